import { Injectable } from "@angular/core";
import * as fs from "fs";

interface Named {
  name(): string;
}

/** A service. */
export class Service extends Base implements Named, Other {
  name(): string {
    return fs.readFileSync("x").toString();
  }
}

export function run(a: number, b: number): number {
  return a > b ? helper(a) : b;
}
