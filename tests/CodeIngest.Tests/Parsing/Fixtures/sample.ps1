using module Shapes
using namespace System.Text
Import-Module Pester
. ./helpers.ps1

function Get-Greeting {
    param([string]$Name)
    $text = Format-Name -Value $Name
    Write-Output "Hello, $text"
}

class Base {}

class Greeter : Base {
    [string] Greet([string]$name) {
        return $name.ToUpper()
    }
}

filter Only-Even { if ($_ % 2 -eq 0) { $_ } }

[Greeter]::new().Greet("x")
