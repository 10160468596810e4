import Foundation
import struct Darwin.C.size_t

/// Something with an area.
protocol Shape {
    func area() -> Double
}

class Base {}

struct Circle: Shape, Equatable {
    let r: Double

    init(r: Double) {
        self.r = r
    }

    func area() -> Double {
        return Double.pi * square(r)
    }
}

final class Label: Base {
    func show() {
        print("label".uppercased())
    }
}

enum Color {
    case red, green
}

func square(_ x: Double) -> Double { x * x }

func main() {
    print(Circle(r: 1).area())
}
