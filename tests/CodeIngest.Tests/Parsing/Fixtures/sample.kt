package demo.shapes

import kotlin.math.PI
import java.util.List as JList

/** A shape. */
interface Shape {
    fun area(): Double
}

open class Base

data class Circle(val r: Double) : Base(), Shape {
    override fun area(): Double = PI * square(r)

    fun describe(): String {
        return "circle".uppercase()
    }
}

object Registry : Iterable<Shape> {
    val shapes = mutableListOf<Shape>()
}

enum class Color { RED, GREEN }

fun square(x: Double) = x * x

fun main() {
    println(Circle(1.0).area())
    Registry.shapes.add(Circle(2.0))
}
