"""Reads one sentence per line on stdin and writes, per line, whether the CMU link-grammar
parser finds a complete linkage (no null links, the `UNUSED=0` of `link-parser en`): "1" or "0",
one line per input line. An instrument of the evaluation and the tests only."""
import sys

from linkgrammar import Dictionary, ParseOptions, Sentence

# The library prints a locale notice on stdout at load: "ready" marks where the answers start.
# Only null count 0 is tried: whether a complete linkage exists is all that is measured, and it
# spares the slow search with nulls. 10 s per sentence is far beyond any sentence here.
options = ParseOptions(min_null_count=0, max_null_count=0, max_parse_time=10, linkage_limit=100, verbosity=0)
dictionary = Dictionary("en")
sys.stdout.write("ready\n")
sys.stdout.flush()
for line in sys.stdin:
    text = line.strip()
    if text == "":
        sys.stdout.write("0\n")
    else:
        sentence = Sentence(text, dictionary, options)
        linkages = sentence.parse()
        complete = False
        for _ in linkages:
            complete = True
            break
        sys.stdout.write("1\n" if complete else "0\n")
    sys.stdout.flush()
