package demo

import scala.collection.mutable
import scala.util.{Try, Success}

trait Shape {
  def area: Double
}

class Base

case class Circle(r: Double) extends Base with Shape {
  def area: Double = math.Pi * square(r)
}

object Main {
  def square(x: Double): Double = x * x

  def main(args: Array[String]): Unit = {
    val buffer = mutable.ListBuffer[Shape]()
    println(Circle(1.0).area)
    buffer.append(Circle(2.0))
  }
}
