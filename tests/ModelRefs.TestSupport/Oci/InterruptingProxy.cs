using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ModelRefs.TestSupport.Oci;

/// <summary>
/// A loopback TCP proxy in front of a real registry that breaks uploads: on a connection that
/// carries a <c>PATCH</c>, once <see cref="DropAfterBytes"/> bytes of it have been forwarded, it
/// resets both sides (as a lost network does mid-chunk), as many times as <see cref="DropsLeft"/>
/// says. Everything else passes through untouched.
/// <code>
/// using var proxy = InterruptingProxy.Start(registry.Port) { DropsLeft = 1 };
/// // push to oci://{proxy.Authority}/…
/// </code>
/// </summary>
public sealed class InterruptingProxy : IDisposable
{
    private static readonly byte[] Patch = Encoding.ASCII.GetBytes("PATCH /v2/");
    private readonly TcpListener _listener;
    private readonly int _upstreamPort;
    private readonly CancellationTokenSource _stop = new();
    private int _dropsLeft;
    private int _drops;

    private InterruptingProxy(int upstreamPort)
    {
        _upstreamPort = upstreamPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _ = AcceptAsync();
    }

    public static InterruptingProxy Start(int upstreamPort) => new(upstreamPort);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary><c>127.0.0.1:PORT</c>, the registry part of a handle through the proxy.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>How many more PATCH connections to break (int.MaxValue: every one).</summary>
    public int DropsLeft
    {
        get => Volatile.Read(ref _dropsLeft);
        set => Volatile.Write(ref _dropsLeft, value);
    }

    /// <summary>Bytes of a PATCH request (headers and body) forwarded before the connection is broken.</summary>
    public long DropAfterBytes { get; set; } = 100_000;

    /// <summary>How many connections were broken.</summary>
    public int Drops => Volatile.Read(ref _drops);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await upstream.ConnectAsync(IPAddress.Loopback, _upstreamPort, _stop.Token);
                var clientStream = client.GetStream();
                var upstreamStream = upstream.GetStream();
                var broken = new CancellationTokenSource();
                var up = PumpUpAsync(clientStream, upstreamStream, client, upstream, broken);
                var down = PumpAsync(upstreamStream, clientStream, broken.Token);
                await Task.WhenAny(up, down);
                broken.Cancel();
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // a broken or closed connection ends its pump; nothing to report
            }
        }
    }

    private async Task PumpUpAsync(NetworkStream from, NetworkStream to, TcpClient client, TcpClient upstream, CancellationTokenSource broken)
    {
        var buffer = new byte[16 * 1024];
        var patchSeen = false;
        long count = 0;
        while (true)
        {
            var read = await from.ReadAsync(buffer, broken.Token);
            if (read == 0)
                return;
            patchSeen |= buffer.AsSpan(0, read).IndexOf(Patch) >= 0;
            if (patchSeen && (count += read) >= DropAfterBytes && TakeDrop())
            {
                // Forward part of this read, then reset both sides: the registry got half a chunk.
                await to.WriteAsync(buffer.AsMemory(0, read / 2), broken.Token);
                Interlocked.Increment(ref _drops);
                client.Client.LingerState = new LingerOption(true, 0);
                upstream.Client.LingerState = new LingerOption(true, 0);
                client.Client.Close();
                upstream.Client.Close();
                return;
            }
            await to.WriteAsync(buffer.AsMemory(0, read), broken.Token);
        }
    }

    private bool TakeDrop()
    {
        while (true)
        {
            var left = Volatile.Read(ref _dropsLeft);
            if (left <= 0)
                return false;
            if (left == int.MaxValue || Interlocked.CompareExchange(ref _dropsLeft, left - 1, left) == left)
                return true;
        }
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, cancellationToken);
            if (read == 0)
                return;
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
