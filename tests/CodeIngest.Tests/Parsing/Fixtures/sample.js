import { readFile } from "fs";
const path = require("path");

// An animal.
class Dog extends Animal {
  bark(times) {
    for (let i = 0; i < times; i++) {
      console.log("woof");
    }
    return this.wag();
  }
}

function main() {
  const d = new Dog();
  d.bark(path.join("a", "b") ? 1 : 2);
}

class Cat {
  constructor(name) {
    this.name = name;
  }

  #purr() {
    return 1;
  }
}
