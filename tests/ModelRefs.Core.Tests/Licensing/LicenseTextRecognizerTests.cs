using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ModelRefs.Core.Licensing;
using ModelRefs.TestSupport;

namespace ModelRefs.Core.Tests.Licensing;

/// <summary>
/// Recognition on real licence texts: Debian's /usr/share/common-licenses and the full SPDX texts
/// of the npm package spdx-license-list (fetched once per machine by <see cref="NpmPackages"/>),
/// as published and reformatted.
/// </summary>
public class LicenseTextRecognizerTests
{
    private const string SpdxLicenseList = "spdx-license-list@6.10.0";
    private const string DebianLicenses = "/usr/share/common-licenses";

    internal static string SpdxText(string id)
    {
        var path = NpmPackages.GetFile(SpdxLicenseList, $"licenses/{id}.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return json.RootElement.GetProperty("licenseText").GetString()!;
    }

    private static string DebianText(string name) => File.ReadAllText(Path.Combine(DebianLicenses, name));

    public static TheoryData<string, string> SpdxTexts => new()
    {
        { "MIT", "MIT" },
        { "MIT-0", "MIT-0" },
        { "ISC", "ISC" },
        { "0BSD", "0BSD" },
        { "BSD-2-Clause", "BSD-2-Clause" },
        { "BSD-3-Clause", "BSD-3-Clause" },
        { "Apache-2.0", "Apache-2.0" },
        { "GPL-2.0-only", "GPL-2.0-only" },
        { "GPL-2.0-or-later", "GPL-2.0-only" }, // the text cannot say "or later"; the notice does
        { "GPL-3.0-only", "GPL-3.0-only" },
        { "GPL-3.0-or-later", "GPL-3.0-only" },
        { "LGPL-2.0-only", "LGPL-2.0-only" },
        { "LGPL-2.1-only", "LGPL-2.1-only" },
        { "LGPL-3.0-only", "LGPL-3.0-only" },   // carries the whole GPL-3.0 text after its own
        { "AGPL-3.0-only", "AGPL-3.0-only" },
        { "MPL-2.0", "MPL-2.0" },
        { "CC-BY-4.0", "CC-BY-4.0" },
        { "CC-BY-SA-4.0", "CC-BY-SA-4.0" },
        { "CC-BY-NC-4.0", "CC-BY-NC-4.0" },
        { "CC-BY-NC-SA-4.0", "CC-BY-NC-SA-4.0" },
        { "CC-BY-ND-4.0", "CC-BY-ND-4.0" },
        { "CC-BY-NC-ND-4.0", "CC-BY-NC-ND-4.0" },
    };

    [Theory]
    [MemberData(nameof(SpdxTexts))]
    public void RecognizesSpdxTexts(string file, string expected)
    {
        var text = SpdxText(file);
        var result = LicenseTextRecognizer.Recognize(text);
        Assert.Equal(expected, result.LicenseId);
        Assert.True(result.Confidence >= 0.8, $"{file}: {result.Confidence}");
    }

    [Theory]
    [MemberData(nameof(SpdxTexts))]
    public void RecognizesReformattedSpdxTexts(string file, string expected)
    {
        var text = SpdxText(file);
        foreach (var (name, reformat) in Reformattings)
        {
            var result = LicenseTextRecognizer.Recognize(reformat(text));
            Assert.True(expected == result.LicenseId, $"{file} {name}: got {result.LicenseId ?? "nothing"}; {string.Join(", ", result.Candidates.Take(3))}");
        }
    }

    [Theory]
    [InlineData("Apache-2.0", "Apache-2.0")]
    [InlineData("BSD", "BSD-3-Clause")]
    [InlineData("GPL-2", "GPL-2.0-only")]
    [InlineData("GPL-3", "GPL-3.0-only")]
    [InlineData("LGPL-2", "LGPL-2.0-only")]
    [InlineData("LGPL-2.1", "LGPL-2.1-only")]
    [InlineData("LGPL-3", "LGPL-3.0-only")]
    [InlineData("MPL-2.0", "MPL-2.0")]
    public void RecognizesDebianTexts(string file, string expected)
    {
        var text = DebianText(file);
        Assert.Equal(expected, LicenseTextRecognizer.Recognize(text).LicenseId);
        foreach (var (name, reformat) in Reformattings)
            Assert.True(expected == LicenseTextRecognizer.Recognize(reformat(text)).LicenseId, $"{file} {name}");
    }

    [Theory]
    [InlineData("Artistic")]
    [InlineData("CC0-1.0")]
    [InlineData("GFDL-1.2")]
    [InlineData("GFDL-1.3")]
    [InlineData("GPL-1")]
    [InlineData("MPL-1.1")]
    public void DoesNotMistakeOtherDebianLicences(string file) =>
        Assert.Null(LicenseTextRecognizer.Recognize(DebianText(file)).LicenseId);

    [Theory]
    [InlineData("EPL-2.0")]
    [InlineData("BSL-1.0")]
    [InlineData("Zlib")]
    [InlineData("Unlicense")]
    [InlineData("BSD-4-Clause")]
    [InlineData("BSD-3-Clause-Clear")]
    [InlineData("X11")]
    [InlineData("CC-BY-3.0")]
    [InlineData("CC-BY-NC-3.0")]
    [InlineData("GPL-1.0-only")]
    [InlineData("OSL-3.0")]
    public void DoesNotMistakeOtherSpdxLicences(string id)
    {
        var result = LicenseTextRecognizer.Recognize(SpdxText(id));
        Assert.True(result.LicenseId is null, $"{id} taken for {result.LicenseId}");
    }

    [Fact]
    public void DoesNotRecognizeAReadme()
    {
        var readme = File.ReadAllText(NpmPackages.GetFile(SpdxLicenseList, "readme.md"));
        Assert.Null(LicenseTextRecognizer.Recognize(readme).LicenseId);

        const string Prose = """
            # tiny-vad
            A voice activity detector. Licensed under the MIT License; see LICENSE.
            The model weights are licensed under the Apache License, Version 2.0, and the
            sample audio under CC BY-NC 4.0. Contributions are welcome under the GNU General
            Public License version 3 or the GNU Lesser General Public License.
            """;
        Assert.Null(LicenseTextRecognizer.Recognize(Prose).LicenseId);
        Assert.Null(LicenseTextRecognizer.Recognize("").LicenseId);
        Assert.Null(LicenseTextRecognizer.Recognize(null).LicenseId);
    }

    [Fact]
    public void RecognizesTheApacheNoticeAlone()
    {
        const string Notice = """
            Copyright 2023 Example Authors

            Licensed under the Apache License, Version 2.0 (the "License");
            you may not use this file except in compliance with the License.
            You may obtain a copy of the License at

                https://www.apache.org/licenses/LICENSE-2.0

            Unless required by applicable law or agreed to in writing, software
            distributed under the License is distributed on an "AS IS" BASIS,
            WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
            """;
        Assert.Equal("Apache-2.0", LicenseTextRecognizer.Recognize(Notice).LicenseId);
    }

    // Not the full CreativeML Open RAIL-M text (the repo does not carry it): its title and the
    // sentences of sections III and attachment A that make a RAIL licence, laid out as a model
    // card would quote them.
    private const string RailExcerpt = """
        ## {0}

        ### Section III: CONDITIONS OF USAGE, DISTRIBUTION AND REDISTRIBUTION

        4. Distribution and Redistribution. You may host for Third Party remote access purposes, reproduce and distribute copies of the Model or Derivatives of the Model thereof in any medium, with or without modifications, provided that You meet the following conditions:
           a. Use-based restrictions as referenced in paragraph 5 MUST be included as an enforceable provision by You in any type of legal agreement (e.g. a license) governing the use and/or distribution of the Model or Derivatives of the Model;
        5. Use-based restrictions. You shall require all of Your users who use the Model or a Derivative of the Model to comply with the terms of this paragraph (paragraph 5).

        "Derivatives of the Model" means all modifications to the Model, works based on the Model, or any other model which is created or initialized by transfer of patterns of the weights, parameters, activations or output of the Model, to the other model.

        ### Attachment A — Use Restrictions

        You agree not to use the Model or Derivatives of the Model:
        - For the purpose of exploiting, harming or attempting to exploit or harm minors in any way;
        - To generate or disseminate verifiably false information and/or content with the purpose of harming others;
        """;

    [Theory]
    [InlineData("CreativeML Open RAIL-M", "LicenseRef-CreativeML-OpenRAIL-M")]
    [InlineData("BigScience Open RAIL-M License", "LicenseRef-BigScience-OpenRAIL-M")]
    [InlineData("Model License", "LicenseRef-OpenRAIL-M")]
    public void RecognizesOpenRailM(string title, string expected)
    {
        var text = string.Format(RailExcerpt, title);
        Assert.Equal(expected, LicenseTextRecognizer.Recognize(text).LicenseId);
        foreach (var (name, reformat) in Reformattings)
            Assert.True(expected == LicenseTextRecognizer.Recognize(reformat(text)).LicenseId, name);
    }

    [Fact]
    public void Recognizes40KB_WellUnder50ms()
    {
        var text = SpdxText("LGPL-3.0-only"); // ~42 KB
        Assert.True(text.Length > 40_000);
        LicenseTextRecognizer.Recognize(text); // warm-up
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            Assert.Equal("LGPL-3.0-only", LicenseTextRecognizer.Recognize(text).LicenseId);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        Assert.True(times[2] < 50, $"median {times[2]:0.0} ms");
    }

    [Fact]
    public void Normalize_FoldsFormattingAway()
    {
        Assert.Equal(" permission is hereby granted ", LicenseTextRecognizer.Normalize("**Permission**  is\r\nhereby   granted."));
        Assert.Equal(" the license ", LicenseTextRecognizer.Normalize("The Licence"));
        Assert.Equal(" see ", LicenseTextRecognizer.Normalize("See https://example.com/x."));
        Assert.Equal(" under this license ", LicenseTextRecognizer.Normalize("  (a) under this License\nCopyright (c) 2024 Someone"));
        Assert.Equal(" licensors rights ", LicenseTextRecognizer.Normalize("Licensor’s rights"));
    }

    // --- reformatting the way LICENSE files in the wild differ from the official text ---

    internal static readonly (string Name, Func<string, string> Apply)[] Reformattings =
    [
        ("crlf", t => t.Replace("\r\n", "\n").Replace("\n", "\r\n")),
        ("rewrapped at 60 columns", t => Rewrap(t, 60)),
        ("one line per paragraph", t => Rewrap(t, int.MaxValue)),
        ("markdown", Markdown),
        ("licence spelling", t => Regex.Replace(t, "licens(e|es)\\b", m => "licenc" + m.Groups[1].Value, RegexOptions.IgnoreCase)),
        ("copyright line changed", t => Regex.Replace(t, "^.*copyright \\(c\\).*$", "Copyright © 2024 Example Corp. and contributors", RegexOptions.IgnoreCase | RegexOptions.Multiline) + "\n\nCopyright 2019-2024 Someone Else\n"),
        ("curly quotes", t => CurlyQuotes(t)),
        ("indented with list markers changed", t => Regex.Replace(t, "^\\s*(\\d{1,2})\\.\\s", "    $1) ", RegexOptions.Multiline)),
        ("upper case", t => t.ToUpperInvariant()),
        ("all at once", t => Markdown(Rewrap(CurlyQuotes(t), 72)).Replace("\n", "\r\n")),
    ];

    private static string Rewrap(string text, int width)
    {
        var paragraphs = Regex.Split(text.Replace("\r\n", "\n"), "\n\\s*\n");
        var output = new StringBuilder();
        foreach (var paragraph in paragraphs)
        {
            var words = paragraph.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var line = new StringBuilder();
            foreach (var word in words)
            {
                if (line.Length > 0 && line.Length + 1 + word.Length > width)
                {
                    output.Append(line).Append('\n');
                    line.Clear();
                }
                if (line.Length > 0)
                    line.Append(' ');
                line.Append(word);
            }
            output.Append(line).Append("\n\n");
        }
        return output.ToString();
    }

    private static string Markdown(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var output = new StringBuilder();
        var first = true;
        foreach (var line in lines)
        {
            if (first && line.Trim().Length > 0)
            {
                output.Append("# ").Append(line.Trim()).Append('\n');
                first = false;
                continue;
            }
            var bulleted = Regex.Replace(line, "^\\s*(?:\\(?[a-z0-9]{1,2}[.)]|[-*])\\s+", "* ");
            output.Append(bulleted).Append('\n');
        }
        // Bold the first two words of every paragraph, as rendered licence pages often do.
        return Regex.Replace(output.ToString(), "(\n\n|^)(\\w+ \\w+)", "$1**$2**");
    }

    private static string CurlyQuotes(string text)
    {
        var open = true;
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == '"')
            {
                builder.Append(open ? '“' : '”');
                open = !open;
            }
            else if (c == '\'')
                builder.Append('’');
            else
                builder.Append(c);
        }
        return builder.ToString();
    }
}
