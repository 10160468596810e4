using System;
using System.Collections.Generic;

namespace App;

/// <summary>A greeter.</summary>
public class Greeter : Base, IDisposable
{
    private readonly List<string> _names = new List<string>();

    public Greeter(string first)
    {
        _names.Add(first);
    }

    public void Run(int times, bool loud)
    {
        foreach (var n in _names)
        {
            if (loud && times > 1)
            {
                Console.WriteLine(n);
            }
        }
        Helper();
    }

    public void Dispose() { }
}
