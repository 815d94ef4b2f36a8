using System.Text;
using ModelRefs.Core.IO;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.IO;

public class AtomicFileTests
{
    private static string[] AllFiles(string directory) => Directory.GetFiles(directory, "*", SearchOption.AllDirectories);

    [Fact]
    public void WriteAllBytes_CreatesTheFolders_AndLeavesOnlyTheFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("a", "b", "file.bin");

        AtomicFile.WriteAllBytes(path, [1, 2, 3]);

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Equal([path], AllFiles(temp.Path));
    }

    [Fact]
    public void WriteAllText_IsUtf8WithoutAByteOrderMark_AndReplacesTheOldFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("notes.txt");
        File.WriteAllText(path, "old, and longer than the new text");

        AtomicFile.WriteAllText(path, "né");

        Assert.Equal(Encoding.UTF8.GetBytes("né"), File.ReadAllBytes(path));
    }

    [Fact]
    public void AFailedWrite_LeavesTheOldFileIntact_AndNoTempFile()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("state.json");
        File.WriteAllText(path, "old");

        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new"u8);
            throw new InvalidOperationException("disk full");
        }));

        Assert.Equal("disk full", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], AllFiles(temp.Path));
    }

    [Fact]
    public void TheTempFile_IsInTheNamedTempFolder_WhileWriting_AndGoneAfter()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("refs", "ab", "key.json");
        var tempFolder = temp.Combine("refs", ".tmp");
        string[] seenWhileWriting = [];

        AtomicFile.Write(path, stream =>
        {
            seenWhileWriting = Directory.GetFiles(tempFolder);
            stream.Write("{}"u8);
        }, tempFolder);

        var single = Assert.Single(seenWhileWriting);
        Assert.EndsWith(AtomicFile.TempExtension, single, StringComparison.Ordinal);
        Assert.False(File.Exists(path + AtomicFile.TempExtension));
        Assert.Empty(Directory.GetFiles(tempFolder));
        Assert.Equal("{}", File.ReadAllText(path));
    }

    [Fact]
    public void NewTempPath_IsBesideTheTarget_AndDiffersEachTime()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("x", "models.lock.json");

        var first = AtomicFile.NewTempPath(path);
        var second = AtomicFile.NewTempPath(path);

        Assert.NotEqual(first, second);
        Assert.Equal(temp.Combine("x"), Path.GetDirectoryName(first));
        Assert.StartsWith(".models.lock.json.", Path.GetFileName(first), StringComparison.Ordinal);
        Assert.EndsWith(AtomicFile.TempExtension, first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentWriters_EachLeaveAWholeFile_AndReadersNeverSeeHalfOfOne()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("shared.txt");
        var contents = Enumerable.Range(0, 6).Select(i => new string((char)('a' + i), 10_000 + i)).ToArray();
        AtomicFile.WriteAllText(path, contents[0]);
        using var stop = new CancellationTokenSource();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The writers start once the reader reads, so that reads overlap writes however busy the machine.
        var reader = Task.Run(() =>
        {
            var reads = 0;
            do
            {
                string text;
                try { text = File.ReadAllText(path); }
                catch (IOException) { continue; } // Windows: the file is being replaced
                Assert.Contains(text, contents);
                reads++;
                reading.TrySetResult();
            }
            while (!stop.IsCancellationRequested);
            return reads;
        });
        var writers = contents.Select(content => Task.Run(async () =>
        {
            await reading.Task;
            for (var i = 0; i < 40; i++)
                AtomicFile.WriteAllText(path, content);
        })).ToArray();
        await Task.WhenAll(writers);
        stop.Cancel();

        Assert.True(await reader > 0);
        Assert.Contains(File.ReadAllText(path), contents);
        Assert.Equal([path], AllFiles(temp.Path));
    }

    [Fact]
    public void MoveIntoPlace_WithoutOverwrite_KeepsTheFileThatIsThere()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("blob");
        File.WriteAllText(path, "first");
        var mine = AtomicFile.NewTempPath(path);
        File.WriteAllText(mine, "second");

        Assert.False(AtomicFile.MoveIntoPlace(mine, path, overwrite: false));

        Assert.Equal("first", File.ReadAllText(path));
        Assert.False(File.Exists(mine));
    }

    [Fact]
    public void MoveIntoPlace_WithOverwrite_Replaces()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("sub", "file");
        var mine = temp.Combine("mine");
        File.WriteAllText(mine, "new");

        Assert.True(AtomicFile.MoveIntoPlace(mine, path, overwrite: true));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.False(File.Exists(mine));
    }
}

public class AtomicDirectoryTests
{
    [Fact]
    public void AFolder_AppearsByRename_AndTheTempParentGoesWhenEmpty()
    {
        using var temp = new TempDirectory();
        var destination = temp.Combine("extracted", "abc");
        var staging = AtomicDirectory.CreateTempBeside(destination);
        Assert.Equal(temp.Combine("extracted", AtomicDirectory.TempFolderName), Path.GetDirectoryName(staging));
        File.WriteAllText(Path.Combine(staging, "model.json"), "{}");

        Assert.True(AtomicDirectory.MoveIntoPlace(staging, destination));
        AtomicDirectory.DeleteTemp(staging);

        Assert.Equal("{}", File.ReadAllText(Path.Combine(destination, "model.json")));
        Assert.False(Directory.Exists(temp.Combine("extracted", AtomicDirectory.TempFolderName)));
    }

    [Fact]
    public void WhenTheDestinationIsThere_ItIsKept_AndTheTempIsDeleted()
    {
        using var temp = new TempDirectory();
        var destination = temp.Combine("repo");
        Directory.CreateDirectory(destination);
        File.WriteAllText(Path.Combine(destination, "winner"), "");
        var staging = AtomicDirectory.CreateTempBeside(destination);
        var other = AtomicDirectory.CreateTempBeside(destination);
        File.WriteAllText(Path.Combine(staging, "loser"), "");

        Assert.False(AtomicDirectory.MoveIntoPlace(staging, destination));
        AtomicDirectory.DeleteTemp(staging);

        Assert.Equal([Path.Combine(destination, "winner")], Directory.GetFiles(destination));
        Assert.False(Directory.Exists(staging));
        Assert.True(Directory.Exists(other)); // another writer's temp is not touched, nor its .tmp parent
    }

    [Fact]
    public void AScratchDirectory_IsDeletedWithWhatIsInIt()
    {
        using var temp = new TempDirectory();
        string path;
        using (var work = new ScratchDirectory(temp.Combine("work", "export-1")))
        {
            path = work.Path;
            File.WriteAllText(Path.Combine(path, "model.onnx"), "x");
            Directory.CreateDirectory(Path.Combine(path, "sub"));
        }

        Assert.False(Directory.Exists(path));
    }
}
