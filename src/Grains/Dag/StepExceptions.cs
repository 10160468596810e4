// Errors a step raises to steer the DAG engine: retrying cannot fix these.
namespace CodeIngest.Dag;

/// <summary>A step failure that retrying cannot fix (bad input, missing repository, denied capability): the node fails at once.</summary>
public class NonRetryableStepException : Exception
{
    public NonRetryableStepException(string message)
        : base(message)
    {
    }

    public NonRetryableStepException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A step asked its toolkit for something its role may not do.</summary>
public sealed class CapabilityDeniedException : NonRetryableStepException
{
    public CapabilityDeniedException(Role role, Capability capability, IEnumerable<Capability> granted)
        : base($"capability denied: role '{role.ToString().ToLowerInvariant()}' may not use '{capability}' (it may: {string.Join(", ", granted)})")
    {
        Role = role;
        Capability = capability;
    }

    public Role Role { get; }

    public Capability Capability { get; }
}
