abstract class Shape {
  double area();
}

class Circle extends Shape {
  final double r;

  Circle(this.r);

  @override
  double area() => 3.14 * r * r;
}

enum Color { red, green }

mixin Named {
  String get name => 'shape';
}

void main() {
  print(Circle(1).area());
}
