package demo

trait Shape {
  def area: Double
}

case class Circle(r: Double) extends Shape {
  def area: Double = math.Pi * r * r
}

object Main {
  def main(args: Array[String]): Unit =
    println(Circle(1).area)
}
