const std = @import("std");

const Point = struct {
    x: i32,
    y: i32,

    pub fn add(self: Point, other: Point) Point {
        return .{ .x = self.x + other.x, .y = self.y + other.y };
    }
};

const Color = enum { red, green };

pub fn main() void {
    std.debug.print("hi\n", .{});
}

test "add" {
    _ = Point.add(.{ .x = 1, .y = 2 }, .{ .x = 3, .y = 4 });
}
