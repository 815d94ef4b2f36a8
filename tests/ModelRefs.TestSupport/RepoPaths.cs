namespace ModelRefs.TestSupport;

public static class RepoPaths
{
    /// <summary>The repo root: the folder above the test assembly that holds ModelRefs.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string SpeechWav => Path.Combine(Root, "samples", "VoiceActivity", "speech.wav");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ModelRefs.sln")))
                return dir.FullName;
        throw new InvalidOperationException("ModelRefs.sln not found above " + AppContext.BaseDirectory);
    }
}
