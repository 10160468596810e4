function Get-Greeting {
    param([string]$Name)
    "Hello $Name"
}

class Greeter {
    [string] Greet([string]$name) {
        return "hi $name"
    }
}

filter Only-Even { if ($_ % 2 -eq 0) { $_ } }

Get-Greeting -Name "x"
