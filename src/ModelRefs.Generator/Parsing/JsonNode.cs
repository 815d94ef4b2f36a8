using System.Collections.Generic;

namespace ModelRefs.Generator.Parsing
{
    internal enum JsonKind
    {
        Null,
        Boolean,
        Number,
        String,
        Array,
        Object,
    }

    /// <summary>A parsed JSON value with its span in the text. Lives only inside the parser; never a pipeline output.</summary>
    internal sealed class JsonNode
    {
        private JsonNode(JsonKind kind, int start, int end)
        {
            Kind = kind;
            Start = start;
            End = end;
        }

        public JsonKind Kind { get; }

        public int Start { get; }

        public int End { get; internal set; }

        public bool BooleanValue { get; private set; }

        /// <summary>The number's text exactly as written (for numbers) or the decoded string (for strings).</summary>
        public string? Text { get; private set; }

        public List<JsonNode>? Items { get; private set; }

        /// <summary>Members in document order; a repeated key keeps the last value (as most readers do).</summary>
        public List<KeyValuePair<string, JsonNode>>? Members { get; private set; }

        public static JsonNode Null(int start, int end) => new JsonNode(JsonKind.Null, start, end);

        public static JsonNode Boolean(bool value, int start, int end) => new JsonNode(JsonKind.Boolean, start, end) { BooleanValue = value };

        public static JsonNode Number(string text, int start, int end) => new JsonNode(JsonKind.Number, start, end) { Text = text };

        public static JsonNode String(string value, int start, int end) => new JsonNode(JsonKind.String, start, end) { Text = value };

        public static JsonNode Array(int start) => new JsonNode(JsonKind.Array, start, start) { Items = new List<JsonNode>() };

        public static JsonNode Object(int start) => new JsonNode(JsonKind.Object, start, start) { Members = new List<KeyValuePair<string, JsonNode>>() };

        public JsonNode? this[string key]
        {
            get
            {
                if (Members is null)
                {
                    return null;
                }

                JsonNode? found = null;
                foreach (KeyValuePair<string, JsonNode> member in Members)
                {
                    if (member.Key == key)
                    {
                        found = member.Value;
                    }
                }

                return found;
            }
        }

        public string Describe()
        {
            switch (Kind)
            {
                case JsonKind.Null: return "null";
                case JsonKind.Boolean: return "a boolean";
                case JsonKind.Number: return "a number";
                case JsonKind.String: return "a string";
                case JsonKind.Array: return "an array";
                default: return "an object";
            }
        }
    }
}
