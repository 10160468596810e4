const std = @import("std");
const util = @import("util.zig");

const Point = struct {
    x: i32,
    y: i32,

    pub fn add(self: Point, other: Point) Point {
        return .{ .x = self.x + other.x, .y = util.clamp(self.y + other.y) };
    }
};

const Color = enum { red, green };

pub fn main() void {
    const p = Point{ .x = 1, .y = 2 };
    std.debug.print("{}\n", .{p.add(p)});
    helper();
}

fn helper() void {}
