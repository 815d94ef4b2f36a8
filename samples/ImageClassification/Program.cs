using ImageClassification;
using ImageClassification.Models;

// Classifies an image (binary PPM; default: photo.ppm) with SqueezeNet 1.1, restored through
// torchhub: and exported to ONNX at build time. Prints the five most likely ImageNet classes.
var path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "photo.ppm");
var labels = File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "imagenet-classes.txt"));
var image = PpmImage.Read(path);
var input = image.ToImageNetTensor(224);

using var model = new SqueezeNet();
var logits = model.Run(input, [1, 3, 224, 224]).Output.ToArray();

// Softmax, then the top five.
var max = logits.Max();
var exp = logits.Select(v => Math.Exp(v - max)).ToArray();
var sum = exp.Sum();
Console.WriteLine($"{Path.GetFileName(path)} ({image.Width}x{image.Height}), {SqueezeNet.Info.Handle}:");
foreach (var (probability, index) in exp.Select((e, i) => (e / sum, i)).OrderByDescending(p => p.Item1).Take(5))
    Console.WriteLine($"  {probability,7:P1}  {labels[index]}");

if (SqueezeNet.Info.Resolved?.EndsWith("/hubconf.py#squeezenet1_1", StringComparison.Ordinal) == true)
    Console.WriteLine("Note: built offline from the local hub directory with random weights, so these classes mean nothing. " +
        "Build with -p:ImageClassificationOnline=true (network needed) for the pretrained ImageNet weights.");
