// Text predicates of tree-sitter queries. The C runtime only parses them; the caller applies them.
// Supported: #eq? #not-eq? #match? #not-match? #any-of? #not-any-of? and the #any-eq?/#any-not-eq?/
// #any-match?/#any-not-match? forms (for quantified captures: "some node" instead of "every node").
// Other predicates (#is?, #is-not? — they need locals) and directives (#set!, #strip!,
// #select-adjacent!, …) are ignored: they never reject a match.
using System.Text;
using System.Text.RegularExpressions;
using static CodeIngest.Parsing.TreeSitterNative;

namespace CodeIngest.Parsing;

internal sealed class QueryPredicate
{
    private enum Operator
    {
        Eq,
        Match,
        AnyOf,
    }

    private Operator _operator;
    private bool _negated;
    private bool _anyNode;
    private uint _capture;
    private byte[]? _literal;
    private uint? _otherCapture;
    private Regex? _regex;
    private HashSet<string>? _values;

    /// <summary>Reads the text predicates of one pattern; false when one cannot be evaluated here (the pattern should be disabled).</summary>
    public static unsafe bool TryParse(nint query, uint pattern, out QueryPredicate[]? predicates)
    {
        predicates = null;
        uint stepCount;
        var steps = ts_query_predicates_for_pattern(query, pattern, &stepCount);
        if (stepCount == 0)
        {
            return true;
        }

        var parsed = new List<QueryPredicate>();
        var start = 0;
        for (var i = 0; i < stepCount; i++)
        {
            if (steps[i].Type != TSQueryPredicateStepType.Done)
            {
                continue;
            }

            var predicate = new ReadOnlySpan<TSQueryPredicateStep>(steps + start, i - start);
            start = i + 1;
            if (predicate.IsEmpty || predicate[0].Type != TSQueryPredicateStepType.String)
            {
                continue;
            }

            var name = StringValue(query, predicate[0].ValueId);
            var arguments = predicate[1..];
            QueryPredicate? item;
            try
            {
                item = Create(query, name, arguments);
            }
            catch (ArgumentException)
            {
                return false;
            }

            if (item is not null)
            {
                parsed.Add(item);
            }
        }

        predicates = parsed.Count > 0 ? [.. parsed] : null;
        return true;
    }

    /// <summary>Whether every predicate holds for a match.</summary>
    public static bool AllHold(QueryPredicate[] predicates, ReadOnlySpan<TSQueryCapture> captures, ReadOnlySpan<byte> content)
    {
        foreach (var predicate in predicates)
        {
            if (!predicate.Holds(captures, content))
            {
                return false;
            }
        }

        return true;
    }

    private static QueryPredicate? Create(nint query, string name, ReadOnlySpan<TSQueryPredicateStep> arguments)
    {
        var anyNode = name.StartsWith("any-", StringComparison.Ordinal) && name != "any-of?";
        var baseName = anyNode ? name["any-".Length..] : name;
        var negated = baseName.StartsWith("not-", StringComparison.Ordinal);
        if (negated)
        {
            baseName = baseName["not-".Length..];
        }

        Operator op;
        switch (baseName)
        {
            case "eq?":
                op = Operator.Eq;
                break;
            case "match?":
                op = Operator.Match;
                break;
            case "any-of?" when !anyNode:
                op = Operator.AnyOf;
                break;
            default:
                return null; // #is?, #is-not?, directives and unknown predicates: ignored.
        }

        if (arguments.Length < 2 || arguments[0].Type != TSQueryPredicateStepType.Capture)
        {
            return null; // Malformed: the first argument must be a capture. Ignore rather than fail the language.
        }

        var predicate = new QueryPredicate { _operator = op, _negated = negated, _anyNode = anyNode, _capture = arguments[0].ValueId };
        switch (op)
        {
            case Operator.Eq when arguments.Length == 2:
                if (arguments[1].Type == TSQueryPredicateStepType.Capture)
                {
                    predicate._otherCapture = arguments[1].ValueId;
                }
                else
                {
                    predicate._literal = Encoding.UTF8.GetBytes(StringValue(query, arguments[1].ValueId));
                }

                break;
            case Operator.Match when arguments.Length == 2 && arguments[1].Type == TSQueryPredicateStepType.String:
                predicate._regex = new Regex(StringValue(query, arguments[1].ValueId), RegexOptions.CultureInvariant);
                break;
            case Operator.AnyOf:
                predicate._values = new HashSet<string>(StringComparer.Ordinal);
                foreach (var argument in arguments[1..])
                {
                    if (argument.Type != TSQueryPredicateStepType.String)
                    {
                        return null;
                    }

                    predicate._values.Add(StringValue(query, argument.ValueId));
                }

                break;
            default:
                return null;
        }

        return predicate;
    }

    private bool Holds(ReadOnlySpan<TSQueryCapture> captures, ReadOnlySpan<byte> content)
    {
        var sawNode = false;
        foreach (ref readonly var capture in captures)
        {
            if (capture.Index != _capture)
            {
                continue;
            }

            sawNode = true;
            var holds = Test(Text(capture.Node, content), captures, content) != _negated;
            if (_anyNode && holds)
            {
                return true;
            }

            if (!_anyNode && !holds)
            {
                return false;
            }
        }

        // No node for the capture (an optional or quantified capture that matched nothing): nothing to reject.
        return !sawNode || !_anyNode;
    }

    private bool Test(ReadOnlySpan<byte> text, ReadOnlySpan<TSQueryCapture> captures, ReadOnlySpan<byte> content)
    {
        switch (_operator)
        {
            case Operator.Eq when _literal is not null:
                return text.SequenceEqual(_literal);
            case Operator.Eq:
                foreach (ref readonly var other in captures)
                {
                    if (other.Index == _otherCapture)
                    {
                        return text.SequenceEqual(Text(other.Node, content));
                    }
                }

                return !_negated; // The other capture is absent: treat as holding either way.
            case Operator.Match:
                return _regex!.IsMatch(Encoding.UTF8.GetString(text));
            default:
                return _values!.Contains(Encoding.UTF8.GetString(text));
        }
    }

    private static ReadOnlySpan<byte> Text(TSNode node, ReadOnlySpan<byte> content)
    {
        var start = (int)ts_node_start_byte(node);
        var end = (int)ts_node_end_byte(node);
        return content[start..end];
    }
}
