using ModelRefs.Core.Diagnostics;
using ModelRefs.Core.Sources.TorchHub;
using ModelRefs.TestSupport;

using ModelRefs.TestSupport.TorchHub;

namespace ModelRefs.Core.Tests.Sources.TorchHub;

public class HubconfReaderTests
{
    private static HubconfInfo ReadFixture(out TempDirectory temp)
    {
        temp = new TempDirectory("modelrefs-hubconf-");
        foreach (var (path, text) in HubRepoFixture.Files("http://127.0.0.1:1/weights/", "squeezenet1_1-00000000.pth", "resnet18-00000000.pth"))
        {
            var full = temp.Combine(path.Split('/'));
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            File.WriteAllText(full, text);
        }
        return HubconfReader.Read(temp.Path);
    }

    [Fact]
    public void TorchvisionStyleHubconf_ListsImportedAndDefinedEntrypoints_WithTheirDocstrings()
    {
        var hubconf = ReadFixture(out var temp);
        using (temp)
        {
            Assert.Equal(["torch", "torchvision"], hubconf.Dependencies);
            Assert.Equal(["squeezenet1_1", "resnet18", "spectral", "failing", "tiny", "not_a_module"], hubconf.Entrypoints.Select(e => e.Name));

            var squeezenet = hubconf.Find("squeezenet1_1")!;
            Assert.Equal("function", squeezenet.Kind);
            Assert.Equal("hubmodels/squeezenet.py", squeezenet.DefinedIn);
            Assert.Equal("pretrained: bool = True, progress: bool = True, **kwargs", squeezenet.Parameters);
            Assert.StartsWith("SqueezeNet 1.1 model from the `official SqueezeNet repo\n<https://github.com/DeepScale/", squeezenet.Docstring);
            Assert.EndsWith("than SqueezeNet 1.0, without sacrificing accuracy.", squeezenet.Docstring);

            Assert.Equal("ResNet-18 from `Deep Residual Learning for Image Recognition <https://arxiv.org/abs/1512.03385>`__.", hubconf.Find("resnet18")!.Docstring);
            Assert.Equal("Magnitude spectrum: torch.onnx cannot export it.", hubconf.Find("spectral")!.Docstring);

            var tiny = hubconf.Find("tiny")!;
            Assert.Equal("hubconf.py", tiny.DefinedIn);
            Assert.Equal("width: int = 4, seed: int = 0", tiny.Parameters);
            Assert.Equal("A tiny convolutional network, fast to export.\n\nArgs:\n    width (int): channels of the convolution.", tiny.Docstring);
            Assert.Equal("Returns a string, which cannot be exported.", hubconf.Find("not_a_module")!.Docstring);

            // Private names, modules and classes starting with '_' are not entrypoints.
            Assert.Null(hubconf.Find("_private_helper"));
            Assert.Null(hubconf.Find("_Tiny"));
            Assert.Null(hubconf.Find("weights_base"));
            Assert.Null(hubconf.Find("torch"));
        }
    }

    [Fact]
    public void TheRealTorchvisionSources_GiveTheRealDocstrings()
    {
        // Debian's torchvision 0.14.1 sources as the repo, with a hubconf.py written the way torchvision writes it.
        var installed = "/usr/lib/python3/dist-packages/torchvision";
        Assert.True(Directory.Exists(installed), "python3-torchvision is needed: apt-get install -y --no-install-recommends python3-torchvision");
        using var temp = new TempDirectory("modelrefs-hubconf-tv-");
        foreach (var file in Directory.EnumerateFiles(installed, "*.py", SearchOption.AllDirectories))
        {
            var target = Path.Combine(temp.Path, "torchvision", Path.GetRelativePath(installed, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        File.WriteAllText(temp.Combine("hubconf.py"), """
            # Optional list of dependencies required by the package
            dependencies = ["torch"]

            from torchvision.models import get_weight
            from torchvision.models.resnet import (
                resnet18,
                resnet50,
            )
            from torchvision.models.squeezenet import squeezenet1_0, squeezenet1_1
            from torchvision.models import mobilenet_v2
            """);

        var hubconf = HubconfReader.Read(temp.Path);

        Assert.Equal(["torch"], hubconf.Dependencies);
        Assert.Equal(["get_weight", "resnet18", "resnet50", "squeezenet1_0", "squeezenet1_1", "mobilenet_v2"], hubconf.Entrypoints.Select(e => e.Name));
        var squeezenet = hubconf.Find("squeezenet1_1")!;
        Assert.Equal("torchvision/models/squeezenet.py", squeezenet.DefinedIn);
        Assert.StartsWith("SqueezeNet 1.1 model from the `official SqueezeNet repo", squeezenet.Docstring);
        Assert.Contains("weights (:class:`~torchvision.models.SqueezeNet1_1_Weights`, optional)", squeezenet.Docstring);
        Assert.Contains("*, weights: Optional[SqueezeNet1_1_Weights] = None", squeezenet.Parameters);
        Assert.StartsWith("ResNet-18 from", hubconf.Find("resnet18")!.Docstring);
        // Re-exported through torchvision/models/__init__.py's `from .mobilenet import *` and mobilenet.py's imports.
        Assert.Equal("torchvision/models/mobilenetv2.py", hubconf.Find("mobilenet_v2")!.DefinedIn);
        Assert.Equal("torchvision/models/_api.py", hubconf.Find("get_weight")!.DefinedIn);
    }

    [Fact]
    public void Parse_HandlesPythonsSyntax()
    {
        var hubconf = HubconfReader.Parse("""
            '''Module docstring.'''
            import os, sys
            from os.path import join as _join, exists
            from . import helpers
            from .models import *
            dependencies = ['torch',  # the main one
                            "scipy", r'''numpy''']
            x = 1
            model_urls = {"a": "http://x"}
            alias = exists
            __all__ = ["a"]

            @decorator(arg=(1, 2))
            def decorated(a, b={"k": (1, 2)}, *args, c: "str" = 'x:y', **kw) -> "Model":
                u"Docstring with \"quotes\" and a \\backslash."
                return None

            async def later(): "one-liner doc"; return 1

            def no_doc(x):
                return x  # '''not a docstring'''

            def f_string():
                f'''an f-string is not a docstring'''

            class Net(object):
                '''A class is callable too.'''

            def nested():
                def inner_is_not_an_entry():
                    pass
            if True:
                def conditional(): pass
            s = '''
            def inside_a_string(): pass
            '''
            def continued(a, \
                          b):
                "Continuation lines."
            """);

        Assert.Equal(["torch", "scipy", "numpy"], hubconf.Dependencies);
        Assert.Equal(["models"], hubconf.StarImports);
        Assert.Equal(["exists", "helpers", "alias", "decorated", "later", "no_doc", "f_string", "Net", "nested", "continued"],
            hubconf.Entrypoints.Select(e => e.Name));
        Assert.Equal("Docstring with \"quotes\" and a \\backslash.", hubconf.Find("decorated")!.Docstring);
        Assert.Equal("a, b={\"k\": (1, 2)}, *args, c: \"str\" = 'x:y', **kw", hubconf.Find("decorated")!.Parameters);
        Assert.Equal("one-liner doc", hubconf.Find("later")!.Docstring);
        Assert.Null(hubconf.Find("no_doc")!.Docstring);
        Assert.Null(hubconf.Find("f_string")!.Docstring);
        Assert.Equal("class", hubconf.Find("Net")!.Kind);
        Assert.Equal("A class is callable too.", hubconf.Find("Net")!.Docstring);
        Assert.Equal("Continuation lines.", hubconf.Find("continued")!.Docstring);
        Assert.Equal("import", hubconf.Find("exists")!.Kind);
        Assert.Equal("assignment", hubconf.Find("alias")!.Kind);
    }

    [Fact]
    public void MissingEntrypoint_IsMR0020_ListingTheEntrypoints()
    {
        var hubconf = ReadFixture(out var temp);
        using (temp)
        {
            var handle = TorchHubTestContext.Handle("torchhub:pytorch/vision:v1/SqueezeNet1_1");
            var checkout = new TorchHubCheckout(new TorchHubResolution(handle, "v1", new string('a', 40), "github"), temp.Path, "http://x/", null);
            var e = Assert.Throws<ModelRefsException>(() => HubconfReader.RequireEntrypoint(checkout, hubconf));
            Assert.Equal("MR0020", e.Diagnostic.Id);
            Assert.Contains("has no entrypoint 'SqueezeNet1_1'", e.Message);
            Assert.Contains("Its entrypoints: failing, not_a_module, resnet18, spectral, squeezenet1_1, tiny.", e.Message);
            Assert.Contains("Did you mean 'squeezenet1_1'?", e.Message);
        }
    }
}
