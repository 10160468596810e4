protocol Shape {
    func area() -> Double
}

struct Circle: Shape {
    let r: Double

    init(r: Double) {
        self.r = r
    }

    func area() -> Double {
        return 3.14 * r * r
    }
}

enum Color {
    case red, green
}

func main() {
    print(Circle(r: 1).area())
}
