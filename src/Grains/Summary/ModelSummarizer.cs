// A model-written summary through an OpenAI-compatible chat completions endpoint, from the same
// material as the built-in summary. Used only when CodeIngest:Summary:BaseUrl and Model are set;
// the key is read from the environment variable the options name (never from configuration files).
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CodeIngest.Summary;

/// <summary>Options of the model-written summary (appsettings "CodeIngest:Summary", environment CODEINGEST__SUMMARY__…).</summary>
public sealed class SummaryOptions
{
    public const string Section = "CodeIngest:Summary";

    /// <summary>Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1 or http://localhost:11434/v1. Empty: no model summary.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Model name sent in the request.</summary>
    public string? Model { get; set; }

    /// <summary>Name of the environment variable holding the API key (sent as a Bearer token when set).</summary>
    public string ApiKeyEnvironmentVariable { get; set; } = "OPENAI_API_KEY";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most tokens the model may write.</summary>
    public int MaxTokens { get; set; } = 600;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BaseUrl) && !string.IsNullOrWhiteSpace(Model);
}

public sealed class ModelSummaryException(string message, Exception? inner = null) : Exception(message, inner);

public static class ModelSummarizer
{
    public const string SystemPrompt =
        "You summarise software repositories for engineers. Using only the facts given, write 2-4 short paragraphs: " +
        "what the project is for, how it is organised (entry points, layers, central files and symbols), and where the risk is (cycles, hot spots, findings). Do not invent facts.";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The user message: the built-in summary's material as compact JSON.</summary>
    public static string Material(RepositorySummary summary) =>
        JsonSerializer.Serialize(summary with { ModelSummary = null, Model = null }, Json);

    /// <summary>Calls POST {BaseUrl}/chat/completions and returns the first choice's text.</summary>
    public static async Task<string> SummarizeAsync(HttpClient http, SummaryOptions options, RepositorySummary summary, CancellationToken cancellationToken)
    {
        if (!options.IsConfigured)
        {
            throw new ModelSummaryException("no model endpoint configured: set CodeIngest:Summary:BaseUrl and CodeIngest:Summary:Model");
        }

        var url = options.BaseUrl!.TrimEnd('/') + "/chat/completions";
        var body = new ChatRequest(options.Model!, [new("system", SystemPrompt), new("user", "Summarise this repository.\n" + Material(summary))], 0.2, options.MaxTokens);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
        };
        if (Environment.GetEnvironmentVariable(options.ApiKeyEnvironmentVariable) is { Length: > 0 } key)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new ModelSummaryException($"model endpoint {url} unreachable: {ex.Message}", ex);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new ModelSummaryException($"model endpoint {url} answered {(int)response.StatusCode}: {(text.Length > 300 ? text[..300] : text)}");
            }

            try
            {
                var reply = JsonSerializer.Deserialize<ChatResponse>(text, Json);
                var content = reply?.Choices?.FirstOrDefault()?.Message?.Content;
                return string.IsNullOrWhiteSpace(content)
                    ? throw new ModelSummaryException($"model endpoint {url} answered without choices[0].message.content")
                    : content.Trim();
            }
            catch (JsonException ex)
            {
                throw new ModelSummaryException($"model endpoint {url} answered with something that is not a chat completion: {ex.Message}", ex);
            }
        }
    }

    private sealed record ChatMessage(string Role, string Content);

    private sealed record ChatRequest(string Model, ChatMessage[] Messages, double Temperature, int MaxTokens);

    private sealed record ChatChoice(ChatMessage? Message);

    private sealed record ChatResponse(ChatChoice[]? Choices);
}
