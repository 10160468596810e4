<?php
namespace App;

interface Greets
{
    public function greet(string $name): string;
}

class Greeter implements Greets
{
    public function __construct(private string $prefix) {}

    public function greet(string $name): string
    {
        return $this->prefix . $name;
    }
}

function helper(): int
{
    return 1;
}

helper(1);
use App\Util\Strings;
