using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace ModelRefs.Core.Pickles;

/// <summary>A global a pickle imports (what unpickling it would look up and possibly call).</summary>
/// <param name="Entry">The pickle it is in: the zip entry (<c>archive/data.pkl</c>) or the file itself.</param>
public sealed record PickleImport(string Module, string Name, string Entry)
{
    public override string ToString() => Module + "." + Name;
}

/// <summary>The imports of a weight file and those outside torch's safe set.</summary>
public sealed record PickleScan(string Path, IReadOnlyList<PickleImport> Imports, IReadOnlyList<PickleImport> Unsafe, string? Problem)
{
    public bool IsSafe => Problem is null && Unsafe.Count == 0;
}

/// <summary>
/// Reads the globals a PyTorch weight file's pickles import, without unpickling anything: the
/// opcodes are walked (GLOBAL, INST, and STACK_GLOBAL with its two strings from the stack or the
/// memo), as picklescan reads them. A file is the zip format of <c>torch.save</c> (every
/// <c>*.pkl</c> entry) or a raw pickle stream (the legacy format: several pickles one after
/// another). Imports outside the globals <c>torch.load(weights_only=True)</c> allows are unsafe:
/// loading the file would run them.
/// </summary>
public static class PickleImportScanner
{
    /// <summary>Largest pickle read whole (the data pickle of a state dict is small; tensors are separate entries).</summary>
    private const long MaxPickleBytes = 256L * 1024 * 1024;

    public static PickleScan Scan(string path)
    {
        try
        {
            var imports = new List<PickleImport>();
            using var stream = File.OpenRead(path);
            Span<byte> magic = stackalloc byte[4];
            var read = stream.Read(magic);
            stream.Position = 0;
            if (read == 4 && magic[0] == 'P' && magic[1] == 'K')
            {
                using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
                var pickles = zip.Entries.Where(e => e.FullName.EndsWith(".pkl", StringComparison.OrdinalIgnoreCase)).ToList();
                if (pickles.Count == 0)
                    return new PickleScan(path, [], [], "it is a zip file without a .pkl entry, so not a PyTorch weight file");
                foreach (var entry in pickles)
                {
                    if (entry.Length > MaxPickleBytes)
                        return new PickleScan(path, imports, [], $"its pickle {entry.FullName} is larger than {MaxPickleBytes} bytes");
                    using var entryStream = entry.Open();
                    using var buffer = new MemoryStream();
                    entryStream.CopyTo(buffer);
                    ReadPickles(buffer.ToArray(), entry.FullName, imports, allowTrailingData: false);
                }
            }
            else
            {
                if (stream.Length > MaxPickleBytes)
                    return new PickleScan(path, [], [], $"it is larger than {MaxPickleBytes} bytes and not a zip file");
                var bytes = File.ReadAllBytes(path);
                if (bytes.Length == 0 || bytes[0] != 0x80)
                    return new PickleScan(path, [], [], "it is neither a zip file nor a pickle (no PROTO opcode at its start)");
                // Legacy torch.save: magic, protocol, sys info and data pickles, then raw storage bytes.
                ReadPickles(bytes, Path.GetFileName(path), imports, allowTrailingData: true);
            }
            var distinct = imports.Distinct().ToList();
            return new PickleScan(path, distinct, distinct.Where(i => !IsSafe(i.Module, i.Name)).ToList(), null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return new PickleScan(path, [], [], e.Message);
        }
    }

    /// <summary>The globals <c>torch.load(weights_only=True)</c> resolves (its unpickler's allow list), and nothing else.</summary>
    public static bool IsSafe(string module, string name) => module switch
    {
        "collections" => name == "OrderedDict",
        "torch._utils" => name.StartsWith("_rebuild_", StringComparison.Ordinal),
        "torch" => name.EndsWith("Storage", StringComparison.Ordinal) || TorchValueTypes.Contains(name),
        "torch.storage" => name is "UntypedStorage" or "TypedStorage",
        "torch._tensor" => name == "_rebuild_from_type_v2",
        "torch.nn.parameter" => name == "Parameter",
        "torch.serialization" => name == "_get_layout",
        "_codecs" => name == "encode",
        "builtins" => name is "set" or "frozenset" or "bytearray" or "complex" or "slice",
        _ => false,
    };

    private static readonly HashSet<string> TorchValueTypes = new(StringComparer.Ordinal)
    {
        "Size", "device", "dtype", "layout", "memory_format", "strided", "sparse_coo", "sparse_csr",
        "float32", "float", "float64", "double", "float16", "half", "bfloat16", "uint8", "int8", "int16", "short",
        "int32", "int", "int64", "long", "bool", "complex64", "complex128", "qint8", "quint8", "qint32",
    };

    private static void ReadPickles(byte[] data, string entry, List<PickleImport> imports, bool allowTrailingData)
    {
        var position = 0;
        var first = true;
        while (position < data.Length)
        {
            // After the first pickle of a legacy file, a byte that is not PROTO is storage data.
            if (!first && data[position] != 0x80)
            {
                if (allowTrailingData)
                    return;
                throw new InvalidDataException($"{entry}: bytes after the pickle's STOP");
            }
            position = ReadOne(data, position, entry, imports);
            first = false;
            if (!allowTrailingData)
                return;
        }
    }

    /// <summary>Walks one pickle's opcodes up to its STOP; returns the position after it.</summary>
    private static int ReadOne(byte[] data, int position, string entry, List<PickleImport> imports)
    {
        // Only what STACK_GLOBAL needs is tracked: the strings pushed, and strings kept in the memo.
        var strings = new List<string?>();
        var memo = new Dictionary<long, string?>();
        string? lastPushed = null;
        void Push(string? value) { strings.Add(value); lastPushed = value; }

        while (true)
        {
            if (position >= data.Length)
                throw new InvalidDataException($"{entry}: the pickle ends without STOP");
            var op = data[position++];
            switch (op)
            {
                case (byte)'.': // STOP
                    return position;
                case (byte)'c': // GLOBAL module\nname\n
                case (byte)'i': // INST module\nname\n
                {
                    var module = Line(data, ref position, entry);
                    var name = Line(data, ref position, entry);
                    imports.Add(new PickleImport(module, name, entry));
                    Push(null);
                    break;
                }
                case 0x93: // STACK_GLOBAL
                {
                    var name = strings.Count >= 1 ? strings[^1] : null;
                    var module = strings.Count >= 2 ? strings[^2] : null;
                    imports.Add(new PickleImport(module ?? "?", name ?? "?", entry));
                    Push(null);
                    break;
                }
                // Strings.
                case (byte)'S': case (byte)'V': Push(Line(data, ref position, entry).Trim('\'', '"')); break;
                case (byte)'X': Push(Utf8(data, ref position, Length(data, ref position, 4, entry), entry)); break;
                case 0x8c: Push(Utf8(data, ref position, Length(data, ref position, 1, entry), entry)); break;
                case 0x8d: Push(Utf8(data, ref position, Length(data, ref position, 8, entry), entry)); break;
                case (byte)'T': Push(Latin1(data, ref position, Length(data, ref position, 4, entry), entry)); break;
                case (byte)'U': Push(Latin1(data, ref position, Length(data, ref position, 1, entry), entry)); break;
                // Memo.
                case 0x94: memo[memo.Count] = lastPushed; break; // MEMOIZE
                case (byte)'q': memo[Length(data, ref position, 1, entry)] = lastPushed; break;
                case (byte)'r': memo[Length(data, ref position, 4, entry)] = lastPushed; break;
                case (byte)'p': memo[long.TryParse(Line(data, ref position, entry), out var p) ? p : -1] = lastPushed; break;
                case (byte)'h': Push(memo.GetValueOrDefault(Length(data, ref position, 1, entry))); break;
                case (byte)'j': Push(memo.GetValueOrDefault(Length(data, ref position, 4, entry))); break;
                case (byte)'g': Push(memo.GetValueOrDefault(long.TryParse(Line(data, ref position, entry), out var g) ? g : -1)); break;
                // Opcodes with a fixed-size argument.
                case 0x80: case (byte)'K': case 0x82: Skip(ref position, 1, data, entry); Push(null); break;
                case (byte)'M': case 0x83: Skip(ref position, 2, data, entry); Push(null); break;
                case (byte)'J': case 0x84: Skip(ref position, 4, data, entry); Push(null); break;
                case (byte)'G': Skip(ref position, 8, data, entry); Push(null); break;
                case 0x95: Skip(ref position, 8, data, entry); break; // FRAME
                // Opcodes with a length-prefixed argument.
                case 0x8a: case (byte)'C': Skip(ref position, Length(data, ref position, 1, entry), data, entry); Push(null); break;
                case 0x8b: case (byte)'B': Skip(ref position, Length(data, ref position, 4, entry), data, entry); Push(null); break;
                case 0x8e: case 0x96: Skip(ref position, Length(data, ref position, 8, entry), data, entry); Push(null); break;
                // Opcodes with a newline-terminated argument.
                case (byte)'F': case (byte)'I': case (byte)'L': case (byte)'P': Line(data, ref position, entry); Push(null); break;
                // Opcodes without an argument.
                case (byte)'(': case (byte)'0': case (byte)'1': case (byte)'2': case (byte)'N': case (byte)'Q': case (byte)'R':
                case (byte)'a': case (byte)'b': case (byte)'d': case (byte)'}': case (byte)'e': case (byte)'l': case (byte)']':
                case (byte)'o': case (byte)'s': case (byte)'t': case (byte)')': case (byte)'u':
                case 0x81: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8f: case 0x90: case 0x91: case 0x92:
                case 0x97: case 0x98:
                    Push(null);
                    break;
                default:
                    throw new InvalidDataException($"{entry}: unknown pickle opcode 0x{op:x2} at byte {position - 1}");
            }
        }
    }

    private static string Line(byte[] data, ref int position, string entry)
    {
        var end = Array.IndexOf(data, (byte)'\n', position);
        if (end < 0)
            throw new InvalidDataException($"{entry}: a pickle line argument has no end");
        var text = Encoding.UTF8.GetString(data, position, end - position);
        position = end + 1;
        return text;
    }

    private static long Length(byte[] data, ref int position, int size, string entry)
    {
        if (position + size > data.Length)
            throw new InvalidDataException($"{entry}: the pickle ends inside an argument");
        var span = data.AsSpan(position, size);
        position += size;
        var value = size switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(span),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(span),
            _ => (long)BinaryPrimitives.ReadUInt64LittleEndian(span),
        };
        return value < 0 ? throw new InvalidDataException($"{entry}: a pickle length is negative") : value;
    }

    private static void Skip(ref int position, long count, byte[] data, string entry)
    {
        if (count > data.Length - position)
            throw new InvalidDataException($"{entry}: the pickle ends inside an argument");
        position += (int)count;
    }

    private static string Utf8(byte[] data, ref int position, long count, string entry)
    {
        var start = position;
        Skip(ref position, count, data, entry);
        return Encoding.UTF8.GetString(data, start, (int)count);
    }

    private static string Latin1(byte[] data, ref int position, long count, string entry)
    {
        var start = position;
        Skip(ref position, count, data, entry);
        return Encoding.Latin1.GetString(data, start, (int)count);
    }
}
