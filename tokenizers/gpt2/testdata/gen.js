// Produces tokenizers/gpt2/testdata/golden.json for recur's GPT-2 tokenizer tests.
// Reference: js-tiktoken (gpt2 encoding), cross-checked against gpt-3-encoder 1.1.4.
const fs = require("fs");
const { getEncoding } = require("js-tiktoken");
const g3 = require("gpt-3-encoder");
const enc = getEncoding("gpt2");
const root = process.argv[2];
const cases = [];
const hand = [
  "Hello world", "Hello, world!", "hello world", " Hello world", "Hello  world", "Hello   world",
  "I'm sure it's fine, isn't it? They're here, we've gone, you'll see, he'd know.",
  "I'M SURE IT'S FINE", "don't", "'s 't 're 've 'm 'll 'd", "''s", "rock'n'roll", "O'Neil's", "can\u2019t (curly)",
  "The year 2024 had 365 days; pi is 3.14159 and 1,000,000 is a million.", "123456789012345", "x1y2z3", "A-10 and 7-eleven",
  "   leading spaces", "trailing spaces   ", "a  b   c    d", "     ", " ", "", "a\nb", "a\n\nb", "a\n\n\nb", "\n", "\n\n",
  "line one\nline two\n", "  \n  \n", "end with newline\n", "tab\there", "two\t\ttabs", "\tindented\n\t\tmore", " \t mixed \t whitespace",
  "\r\nwindows\r\nlines\r\n", "def f(x):\n    return x  # comment\n", "if (a && b) { return c; }", "<html><body>Hi</body></html>",
  "email@example.com https://example.org/path?q=1&r=2#frag", "!!! ??? ... --- ***", "$100.00 + 50% = ???", "\u00a9 2019 \u00ae \u2122",
  "caf\u00e9 na\u00efve r\u00e9sum\u00e9 fa\u00e7ade", "Cafe\u0301 (combining accent)", "\u00c0 bient\u00f4t, \u00e7a va ?",
  "Stra\u00dfe \u00fcber \u00e4rger \u00d6l", "\u0394\u03b5\u03bb\u03c4\u03b1 \u03b1\u03bb\u03c6\u03b1", "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440!",
  "\u4f60\u597d\uff0c\u4e16\u754c", "\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8", "\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8", "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",
  "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e", "emoji \ud83d\ude00\ud83d\ude03 ok", "\ud83d\udc4d\ud83c\udffd thumbs", "family \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67",
  "flags \ud83c\uddeb\ud83c\uddf7\ud83c\uddef\ud83c\uddf5", "\u2603 snowman \u2764\ufe0f", "math: \u2200x \u2208 \u211d, x\u00b2 \u2265 0", "\u00bd \u2153 \u2460 \u0663\u0664",
  "Roman \u2163 and \u216b", "ZeroWidth\u200bSpace", "no\u00a0break space", "thin\u2009space", "ideographic\u3000space", "narrow\u202fspace ?",
  "a  \ud83d\ude00", "   123", "  'll", "x 's", "hi !!", "hi  !!", "word\n  next", "\u3000\u3000\u6f22", "CamelCaseIdentifier and snake_case_name",
  "ALLCAPS SHOUTING!!!", "Mr. Smith's 3rd car.", "\"quoted\" 'single' `back`", "\u201cCurly\u201d \u2018quotes\u2019 \u2014 dash \u2013 en",
  "\u00ab Bonjour \u00bb, dit-il.", "ellipsis\u2026", "bullet \u2022 point", "1st 2nd 3rd 4th", "3.0e-10", "0x1F600",
];
for (const t of hand) cases.push({ source: "hand", text: t });
cases.push({ source: "hand", text: "Hello<|endoftext|>world", special: false });
cases.push({ source: "hand", text: "Hello<|endoftext|>world", special: true });
cases.push({ source: "hand", text: "<|endoftext|>", special: true });
cases.push({ source: "hand", text: "end.<|endoftext|> <|endoftext|>\nStart again", special: true });
const shak = fs.readFileSync(root + "/tinyshakespeare.txt", "utf8").split("\n");
for (let i = 0; i < shak.length; i += 181) cases.push({ source: "tinyshakespeare.txt:" + (i + 1), text: shak[i] });
for (let i = 500; i < shak.length; i += 4001) {
  cases.push({ source: "tinyshakespeare.txt:" + (i + 1) + "-" + (i + 12), text: shak.slice(i, i + 12).join("\n") + "\n" });
}
const ef = fs.readFileSync(root + "/eng-fra.tsv", "utf8").split("\n");
for (let i = 0; i < ef.length; i += 499) cases.push({ source: "eng-fra.tsv:" + (i + 1), text: ef[i] });
let mism = 0;
for (const c of cases) {
  if (c.special) {
    c.ids = enc.encode(c.text, "all");
  } else {
    c.ids = enc.encode(c.text, [], []);
    const other = g3.encode(c.text);
    if (JSON.stringify(other) !== JSON.stringify(c.ids)) { mism++; console.error("MISMATCH", JSON.stringify(c.text), c.ids, other); }
  }
  if (enc.decode(c.ids) !== c.text) console.error("NO ROUNDTRIP", JSON.stringify(c.text));
  if (c.special === undefined) delete c.special;
}
console.error("cases", cases.length, "mismatches js-tiktoken vs gpt-3-encoder:", mism);
let out = '{\n"note": "Produced by /tmp script gen.js with node ' + process.version + ', js-tiktoken 1.0.21 getEncoding(\\"gpt2\\"), cross-checked with gpt-3-encoder 1.1.4; see README.md",\n"cases": [\n';
out += cases.map(c => JSON.stringify(c)).join(",\n") + "\n]}\n";
fs.writeFileSync(process.argv[3], out);
