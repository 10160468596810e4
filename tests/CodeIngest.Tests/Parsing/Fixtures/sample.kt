package demo

interface Shape {
    fun area(): Double
}

data class Circle(val r: Double) : Shape {
    override fun area(): Double = 3.14 * r * r
}

object Registry {
    val shapes = mutableListOf<Shape>()
}

enum class Color { RED, GREEN }

fun main() {
    println(Circle(1.0).area())
}
