require "json"
require_relative "lib/util"

# A dog.
class Dog < Animal
  include Comparable

  def bark(times)
    times.times { puts "woof" }
    helper(1) if times > 2
  end
end
