using System.Security.Cryptography;
using ModelRefs.Core.Sources;
using ModelRefs.Core.Tests.Sources;

namespace ModelRefs.Core.Tests.Sources.Downloads;

/// <summary>Content, clients and assertions shared by the download tests.</summary>
internal static class DownloadTest
{
    /// <summary>1 MiB of seeded random bytes: 16 chunks of the server's 64 KiB writes.</summary>
    public static readonly byte[] Content = Random(1 << 20, seed: 7);

    public static readonly string ContentSha = Sha(Content);

    /// <summary>Like the MSBuild task's client: redirects are the download code's job.</summary>
    public static readonly HttpClient NoAutoRedirect = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>A default client (AllowAutoRedirect = true), as a host might pass.</summary>
    public static readonly HttpClient AutoRedirect = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static HttpClient Client(bool autoRedirect) => autoRedirect ? AutoRedirect : NoAutoRedirect;

    public static byte[] Random(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static string Sha(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    public static DownloadOptions Fast(int maxAttempts = 4, double idleSeconds = 5, double connectSeconds = 5) =>
        SourceTestContext.FastRetries with
        {
            MaxAttempts = maxAttempts,
            IdleTimeout = TimeSpan.FromSeconds(idleSeconds),
            ConnectTimeout = TimeSpan.FromSeconds(connectSeconds),
        };

    /// <summary>No blob, no half-written blob, no temp ref: what every failed fetch must leave.</summary>
    public static void AssertNoBlobs(SourceTestContext test) => Assert.Empty(test.CacheFiles());

    /// <summary>The blob is there, complete, and nothing half-written beside it.</summary>
    public static void AssertOnlyBlob(SourceTestContext test, string sha) =>
        Assert.Equal([test.Cache.GetBlobPath(sha)], test.CacheFiles());
}
