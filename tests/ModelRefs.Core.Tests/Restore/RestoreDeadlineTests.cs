using ModelRefs.Core.Configuration;
using ModelRefs.Core.Restore;
using ModelRefs.TestSupport.Http;

namespace ModelRefs.Core.Tests.Restore;

/// <summary>A stalled host holds a restore no longer than its deadline, and the idle timeout is the project's to set.</summary>
public sealed class RestoreDeadlineTests
{
    [Fact(Timeout = 60_000)]
    public async Task StalledDownloads_FailEveryModelAtTheDeadline_NamingTheProperty()
    {
        using var f = new RestoreFixture();
        using var server = LoopbackHttpServer.Start();
        server.MapPrefix("/", _ => new LoopbackResponse { Body = new byte[1_000_000], StallAfterBodyBytes = 1000 });
        var request = f.Request() with
        {
            Settings = new SettingValues
            {
                [RestoreSettings.DownloadIdleTimeout] = "0.5",
                [RestoreSettings.RestoreTimeout] = "3",
            },
        };

        var result = await f.RestoreAsync(request,
            RestoreFixture.Item(server.Url + "a.onnx"),
            RestoreFixture.Item(server.Url + "b.onnx"));

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal("MR0003", p.Diagnostic.Id));
        Assert.Contains(result.Problems, p => p.Message.Contains("ModelRefsRestoreTimeout", StringComparison.Ordinal));
        Assert.Contains("b.onnx", result.Problems[1].Message);
        // With the default idle timeout (60 s) the first attempt would still be waiting: the
        // property made it give up and retry.
        Assert.True(server.Requests.Count >= 2, $"{server.Requests.Count} request(s)");
        Assert.Empty(result.Models);
    }

    [Theory]
    [InlineData("ModelRefsRestoreTimeout", "soon")]
    [InlineData("ModelRefsDownloadIdleTimeout", "-1")]
    // "No limit" written as a huge number: longer than .NET's timers and cancellation take.
    [InlineData("ModelRefsRestoreTimeout", "99999999")]
    [InlineData("ModelRefsDownloadIdleTimeout", "1e12")]
    [InlineData("ModelRefsProgressInterval", "4294968")]
    public async Task AMalformedTimeout_IsMR0014(string property, string value)
    {
        using var f = new RestoreFixture();
        f.WriteModel("m.onnx", "a");
        var request = f.Request() with { Settings = new SettingValues([new(property, value)]) };

        var result = await f.RestoreAsync(request, RestoreFixture.Item("m.onnx"));

        var problem = Assert.Single(result.Problems);
        Assert.Equal("MR0014", problem.Diagnostic.Id);
        Assert.Contains($"{property}='{value}'", problem.Message);
    }

    [Fact]
    public async Task TheLongestTimeoutATimerTakes_IsAccepted()
    {
        using var f = new RestoreFixture();
        f.WriteModel("m.onnx", "a");
        var request = f.Request() with
        {
            Settings = new SettingValues([new("ModelRefsRestoreTimeout", "4294967"), new("ModelRefsProgressInterval", "4294967"), new("ModelRefsDownloadIdleTimeout", "4294967")]),
        };

        var result = await f.RestoreAsync(request, RestoreFixture.Item("m.onnx"));

        Assert.Empty(result.Problems);
        Assert.Single(result.Models);
    }
}
