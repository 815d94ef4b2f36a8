using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelRefs.TestSupport.Http;

/// <summary>
/// A small HTTP/1.1 server on 127.0.0.1 with an ephemeral port, for tests: routes to handlers, a
/// request log, and fault injection through <see cref="LoopbackResponse"/>. One request per
/// connection (it always answers <c>Connection: close</c>), which keeps faults easy to reason about.
/// <code>
/// using var server = LoopbackHttpServer.Start();
/// server.Map("/model.onnx", _ => LoopbackResponse.Bytes(bytes));
/// var url = server.Url + "model.onnx";
/// </code>
/// </summary>
public sealed class LoopbackHttpServer : IDisposable, IAsyncDisposable
{
    private sealed record Route(Func<LoopbackRequest, bool> Matches, Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> Handle);

    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Route> _routes = [];
    private readonly List<LoopbackRequest> _requests = [];
    private readonly HashSet<Task> _connections = [];
    private readonly Task _acceptLoop;

    private LoopbackHttpServer()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public static LoopbackHttpServer Start() => new();

    public int Port { get; }

    /// <summary>The base URL, with a trailing slash: <c>http://127.0.0.1:PORT/</c>.</summary>
    public string Url => $"http://127.0.0.1:{Port}/";

    /// <summary>Runs before routing; return a response to override any route (fault injection), null to go on.</summary>
    public Func<LoopbackRequest, LoopbackResponse?>? Intercept { get; set; }

    /// <summary>Every request received so far, in order.</summary>
    public IReadOnlyList<LoopbackRequest> Requests
    {
        get { lock (_requests) return _requests.ToArray(); }
    }

    public int RequestCount
    {
        get { lock (_requests) return _requests.Count; }
    }

    public void ClearRequests()
    {
        lock (_requests) _requests.Clear();
        Interlocked.Exchange(ref _bodyBytesSent, 0);
    }

    private long _bodyBytesSent;

    /// <summary>Body bytes written to clients so far, over all responses (reset by <see cref="ClearRequests"/>).</summary>
    public long BodyBytesSent => Interlocked.Read(ref _bodyBytesSent);

    /// <summary>Answers requests for exactly this (encoded) path, any method. Later routes win.</summary>
    public void Map(string path, Func<LoopbackRequest, LoopbackResponse> handler) =>
        Map(r => r.Path == path, handler);

    public void MapPrefix(string pathPrefix, Func<LoopbackRequest, LoopbackResponse> handler) =>
        Map(r => r.Path.StartsWith(pathPrefix, StringComparison.Ordinal), handler);

    public void Map(Func<LoopbackRequest, bool> matches, Func<LoopbackRequest, LoopbackResponse> handler) =>
        MapAsync(matches, (r, _) => Task.FromResult(handler(r)));

    public void MapAsync(Func<LoopbackRequest, bool> matches, Func<LoopbackRequest, CancellationToken, Task<LoopbackResponse>> handler)
    {
        lock (_routes) _routes.Add(new Route(matches, handler));
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var connection = Task.Run(() => ServeAsync(client));
            lock (_connections) _connections.Add(connection);
            _ = connection.ContinueWith(t => { lock (_connections) _connections.Remove(t); }, TaskScheduler.Default);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var token = _stop.Token;
            try
            {
                var stream = client.GetStream();
                var request = await ReadRequestAsync(stream, token).ConfigureAwait(false);
                if (request is null)
                    return;
                lock (_requests) _requests.Add(request);

                LoopbackResponse response;
                try
                {
                    response = Intercept?.Invoke(request) ?? await RouteAsync(request, token).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    response = LoopbackResponse.Status(500, "handler failed: " + e);
                }
                await WriteResponseAsync(client, stream, request, response, token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the server is stopping: nothing to answer.
            }
        }
    }

    private Task<LoopbackResponse> RouteAsync(LoopbackRequest request, CancellationToken token)
    {
        Route? route;
        lock (_routes) route = _routes.LastOrDefault(r => r.Matches(request));
        return route?.Handle(request, token) ?? Task.FromResult(LoopbackResponse.NotFound());
    }

    private static async Task<LoopbackRequest?> ReadRequestAsync(NetworkStream stream, CancellationToken token)
    {
        var buffer = new byte[8192];
        var received = new MemoryStream();
        int headerEnd;
        while (true)
        {
            var read = await stream.ReadAsync(buffer, token).ConfigureAwait(false);
            if (read == 0)
                return null;
            received.Write(buffer, 0, read);
            headerEnd = IndexOfHeaderEnd(received.GetBuffer(), (int)received.Length);
            if (headerEnd >= 0)
                break;
            if (received.Length > 64 * 1024)
                return null;
        }

        var all = received.ToArray();
        var lines = Encoding.ASCII.GetString(all, 0, headerEnd).Split("\r\n");
        var requestLine = lines[0].Split(' ');
        if (requestLine.Length < 3)
            return null;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon > 0)
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var body = all.AsSpan(headerEnd + 4).ToArray();
        if (headers.TryGetValue("Content-Length", out var lengthText) && long.TryParse(lengthText, out var length) && length > body.Length)
        {
            var rest = new byte[length - body.Length];
            await stream.ReadExactlyAsync(rest, token).ConfigureAwait(false);
            body = [.. body, .. rest];
        }

        var target = requestLine[1];
        // Absolute form (RFC 9112 3.2.2): a client that uses this server as its HTTP proxy, to reach
        // a host name that is not loopback. The path is what follows the authority.
        if (target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && Uri.TryCreate(target, UriKind.Absolute, out var absolute))
            target = absolute.PathAndQuery;
        var question = target.IndexOf('?');
        return new LoopbackRequest(requestLine[0], target,
            question < 0 ? target : target[..question], question < 0 ? "" : target[(question + 1)..],
            headers, body, DateTimeOffset.UtcNow);
    }

    private static int IndexOfHeaderEnd(byte[] data, int length)
    {
        for (var i = 0; i + 3 < length; i++)
            if (data[i] == '\r' && data[i + 1] == '\n' && data[i + 2] == '\r' && data[i + 3] == '\n')
                return i;
        return -1;
    }

    private async Task WriteResponseAsync(TcpClient client, NetworkStream stream, LoopbackRequest request, LoopbackResponse response, CancellationToken token)
    {
        if (response.Delay > TimeSpan.Zero)
            await Task.Delay(response.Delay, token).ConfigureAwait(false);
        if (response.DropWithoutResponse)
        {
            Abort(client);
            return;
        }

        await using Stream body = response.BodyStream is not null ? response.BodyStream()
            : response.BodyFile is not null ? File.OpenRead(response.BodyFile)
            : new MemoryStream(response.Body ?? [], writable: false);
        var header = new StringBuilder()
            .Append($"HTTP/1.1 {response.StatusCode} {response.ReasonPhrase ?? LoopbackResponse.DefaultReason(response.StatusCode)}\r\n")
            .Append($"Content-Length: {response.ContentLengthOverride ?? body.Length - body.Position}\r\n")
            .Append("Connection: close\r\n");
        foreach (var (name, value) in response.Headers)
            header.Append($"{name}: {value}\r\n");
        header.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(header.ToString()), token).ConfigureAwait(false);

        if (request.Method != "HEAD")
        {
            var limit = Math.Min(response.DropAfterBodyBytes ?? long.MaxValue, response.StallAfterBodyBytes ?? long.MaxValue);
            var buffer = new byte[64 * 1024];
            long sent = 0;
            int read;
            var started = Stopwatch.GetTimestamp();
            while (sent < limit && (read = await body.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - sent)), token).ConfigureAwait(false)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                sent += read;
                Interlocked.Add(ref _bodyBytesSent, read);
                if (response.ChunkDelay > TimeSpan.Zero)
                    await Task.Delay(response.ChunkDelay, token).ConfigureAwait(false);
                // Paced against the start, not per chunk, so that timer granularity does not add up.
                if (response.BytesPerSecond is { } rate and > 0
                    && TimeSpan.FromSeconds(sent / rate) - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } ahead)
                    await Task.Delay(ahead, token).ConfigureAwait(false);
            }
            if (response.StallAfterBodyBytes is not null && sent >= response.StallAfterBodyBytes)
            {
                await stream.FlushAsync(token).ConfigureAwait(false);
                // Hold the connection open, sending nothing, until the client hangs up or the server stops.
                try
                {
                    while (await stream.ReadAsync(buffer, token).ConfigureAwait(false) > 0) { }
                }
                catch (Exception e) when (e is IOException or SocketException) { }
                return;
            }
            if (response.DropAfterBodyBytes is not null)
            {
                await stream.FlushAsync(token).ConfigureAwait(false);
                // Let the client read what was sent: a reset can discard data still in its receive buffer.
                await Task.Delay(200, token).ConfigureAwait(false);
                Abort(client);
                return;
            }
        }
        await stream.FlushAsync(token).ConfigureAwait(false);
        client.Client.Shutdown(SocketShutdown.Send);
    }

    // A reset rather than an orderly close: the client sees the connection break.
    private static void Abort(TcpClient client)
    {
        client.Client.LingerState = new LingerOption(true, 0);
        client.Close();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
            return;
        _stop.Cancel();
        _listener.Stop();
        Task[] pending;
        lock (_connections) pending = [.. _connections, _acceptLoop];
        await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _stop.Dispose();
    }
}
