using System.Security.Cryptography;
using ModelRefs.TestSupport.Http;


namespace ModelRefs.TestSupport.TorchHub;

/// <summary>
/// A PyTorch Hub repo built by the tests, in the style of torchvision's: hubconf.py imports its
/// entrypoints from the repo's own package (so their docstrings live there), lists dependencies,
/// and the vision entrypoints load weights with torch.hub.load_state_dict_from_url(check_hash=True)
/// from the loopback server. Also a tiny model defined in hubconf.py itself, and entrypoints that fail.
/// </summary>
public static class HubRepoFixture
{
    public const string Python = "/usr/bin/python3";

    public static Dictionary<string, string> Files(string weightsBaseUrl, string squeezenetWeights, string resnetWeights,
        string dependencies = "\"torch\", \"torchvision\"", string tinyDoc = "A tiny convolutional network, fast to export.")
    {
        return new Dictionary<string, string>
        {
            ["hubconf.py"] = $$""""
                # Entrypoints of this hub repo. Like torchvision's hubconf.py, it mostly imports them.
                dependencies = [{{dependencies}}]

                from hubmodels.squeezenet import squeezenet1_1
                from hubmodels.resnet import resnet18 as resnet18
                from hubmodels.broken import (
                    spectral,   # torch.onnx cannot export FFTs
                    failing,
                )
                from hubmodels import weights_base  # a module: not an entrypoint
                import torch
                import torch.nn as nn


                class _Tiny(nn.Module):
                    def __init__(self, width):
                        super().__init__()
                        self.conv = nn.Conv2d(3, width, 3, padding=1)
                        self.head = nn.Linear(width, 10)

                    def forward(self, x):
                        y = torch.relu(self.conv(x)).mean(dim=(2, 3))
                        return self.head(y)


                def tiny(width: int = 4,
                         seed: int = 0):
                    '''{{tinyDoc}}

                    Args:
                        width (int): channels of the convolution.
                    '''
                    torch.manual_seed(seed)
                    return _Tiny(width)


                def _private_helper():
                    """Not an entrypoint."""
                    return None


                def not_a_module():
                    "Returns a string, which cannot be exported."
                    return "hello"
                """",
            ["hubmodels/__init__.py"] = "",
            ["hubmodels/weights_base.py"] = $"URL = \"{weightsBaseUrl}\"\n",
            ["hubmodels/squeezenet.py"] = $$""""
                import torch
                from torchvision.models import squeezenet as _tv

                _URL = "{{weightsBaseUrl}}{{squeezenetWeights}}"


                def squeezenet1_1(pretrained: bool = True, progress: bool = True, **kwargs):
                    r"""SqueezeNet 1.1 model from the `official SqueezeNet repo
                    <https://github.com/DeepScale/SqueezeNet/tree/master/SqueezeNet_v1.1>`_.

                    SqueezeNet 1.1 has 2.4x less computation and slightly fewer parameters
                    than SqueezeNet 1.0, without sacrificing accuracy.
                    """
                    model = _tv.squeezenet1_1(weights=None, **kwargs)
                    if pretrained:
                        state = torch.hub.load_state_dict_from_url(_URL, progress=progress, check_hash=True)
                        model.load_state_dict(state)
                    return model
                """",
            ["hubmodels/resnet.py"] = $$""""
                import torch
                from torchvision.models import resnet as _tv

                _URL = "{{weightsBaseUrl}}{{resnetWeights}}"


                def resnet18(pretrained: bool = True, **kwargs):
                    """ResNet-18 from `Deep Residual Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`__."""
                    model = _tv.resnet18(weights=None, **kwargs)
                    if pretrained:
                        model.load_state_dict(torch.hub.load_state_dict_from_url(_URL, check_hash=True))
                    return model
                """",
            ["hubmodels/broken.py"] = """"
                import torch
                import torch.nn as nn


                class _Spectral(nn.Module):
                    def forward(self, x):
                        return torch.fft.rfft(x).abs()


                def spectral():
                    '''Magnitude spectrum: torch.onnx cannot export it.'''
                    return _Spectral()


                def failing(message: str = "this entrypoint always fails"):
                    '''Raises.'''
                    raise ValueError(message)
                """",
        }.ToDictionary(f => f.Key, f => Dedent(f.Value));
    }

    /// <summary>Serves the shared weights on the loopback GitHub under <c>/weights/</c>; returns that base URL.</summary>
    public static string ServeWeights(LoopbackGitHub github)
    {
        var weights = SharedWeights;
        github.Server.MapPrefix("/weights/", r =>
        {
            var file = Path.Combine(weights.Directory, Path.GetFileName(r.DecodedPath));
            return File.Exists(file) ? LoopbackResponse.File(file) : LoopbackResponse.NotFound();
        });
        return github.WebUrl + "weights/";
    }

    /// <summary>Adds the fixture repo as a commit of owner/repo and points <paramref name="tag"/> at it; returns the commit.</summary>
    public static string AddRepo(LoopbackGitHub github, string weightsUrl, string owner = "pytorch", string repo = "vision", string tag = "v0.14.1",
        string tinyDoc = "A tiny convolutional network, fast to export.")
    {
        var weights = SharedWeights;
        var sha = github.AddCommit(owner, repo, Files(weightsUrl, weights.SqueezeNet, weights.ResNet, tinyDoc: tinyDoc));
        github.SetRef(owner, repo, tag, sha);
        return sha;
    }

    /// <summary>Writes the fixture repo into a folder (a local hub directory for torch.hub.load(..., source='local')).</summary>
    public static void WriteTo(string directory, string weightsUrl)
    {
        var weights = SharedWeights;
        foreach (var (path, content) in Files(weightsUrl, weights.SqueezeNet, weights.ResNet))
        {
            var full = Path.Combine(directory, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, content);
        }
    }

    private static string Dedent(string text) => text.Replace("\r\n", "\n").TrimStart('\n') + "\n";

    /// <summary>Random-initialised torchvision weights saved by torch, named <c>name-&lt;sha256 prefix&gt;.pth</c> as hub weights are.</summary>
    public sealed record Weights(string Directory, string SqueezeNet, string ResNet)
    {
        public byte[] Read(string name) => File.ReadAllBytes(Path.Combine(Directory, name));
    }

    private static readonly Lazy<Weights> LazyWeights = new(CreateWeights);

    public static Weights SharedWeights => LazyWeights.Value;

    private static Weights CreateWeights()
    {
        var directory = Path.Combine(Path.GetTempPath(), "modelrefs-torchhub-weights-" + Environment.ProcessId);
        Directory.CreateDirectory(directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(directory, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        };
        var script = """"
            import sys, torch, torchvision
            torch.manual_seed(1)
            torch.save(torchvision.models.squeezenet1_1(weights=None).state_dict(), sys.argv[1] + "/squeezenet1_1.pth")
            torch.manual_seed(2)
            torch.save(torchvision.models.resnet18(weights=None).state_dict(), sys.argv[1] + "/resnet18.pth")
            """";
        var result = ProcessRunner.Run(Python, ["-c", script, directory], directory, TimeSpan.FromMinutes(5));
        if (result.ExitCode != 0)
            throw new InvalidOperationException("creating the fixture weights failed:\n" + result.Output);
        return new Weights(directory, Rename("squeezenet1_1"), Rename("resnet18"));

        string Rename(string name)
        {
            var path = Path.Combine(directory, name + ".pth");
            var hash = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))).ToLowerInvariant();
            var named = $"{name}-{hash[..8]}.pth";
            File.Move(path, Path.Combine(directory, named), overwrite: true);
            return named;
        }
    }
}
