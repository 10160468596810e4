import 'dart:math';
import 'package:shapes/util.dart' as util;
export 'src/colors.dart';

/// A shape.
abstract class Shape {
  double area();
}

class Base {}

class Circle extends Base with Named implements Shape {
  final double r;

  Circle(this.r);

  @override
  double area() => pi * util.square(r);
}

enum Color { red, green }

mixin Named {
  String name() => 'named';
}

void main() {
  final c = Circle(1.0);
  print(c.area());
}
