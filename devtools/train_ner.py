"""`make train-ner EVAL_DIR=../shared/eval`: rebuild the shipped news NER model from CoNLL-2003's training split.

Design (measured in the README): the small English model's NER (OntoNotes types, MIT) is fine-tuned on the
CoNLL-2003 training stories, so the trained model learns where news names begin and end while keeping the
warehouse's OntoNotes types. CoNLL marks only PER/ORG/LOC/MISC; each gold name's OntoNotes type is the small
model's own type for that span when it agrees with the gold class, else the gazetteer's (a country or city is a
GPE), else the class's usual type. The texts are prepared exactly as the pipeline prepares an article for the
model (`wirecopy.model_text`: ALL-CAPS headlines truecased; sentence and paragraph boundaries), and one story
in ten is held out to pick the best epoch, so the validation split stays unseen.

The model is written to `models/wiredesk_news_ner` as a spaCy pipeline directory (config, msgpack weights and
the vocabulary's lexeme tables): no text of the training data is stored in it.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import filter_spans, minibatch

from devtools.conll import read_conll_stories
from devtools.scoring import ONTONOTES_TO_CONLL, AnnotatedStory, Score, score_spans
from wiredesk.gazetteer import Gazetteer, load_gazetteer
from wiredesk.nlp import BASE_MODEL, UNUSED_COMPONENTS, load_pipeline, prepare_doc
from wiredesk.normalise import PARAGRAPH_SEPARATOR
from wiredesk.wirecopy import model_text

MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_OUTPUT = MODELS_DIR / "wiredesk_news_ner"
TRAINED_ON = "CoNLL-2003 English training split (one story in ten held out to pick the epoch)"
# The usual OntoNotes type of each CoNLL class, when neither the small model nor the gazetteer says more.
_DEFAULT_TYPE = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC", "MISC": "NORP"}


def fine_type(text: str, conll_type: str, base_labels: list[tuple[int, str]], gazetteer: Gazetteer) -> str:
    """The OntoNotes type of a gold CoNLL name: `base_labels` are (overlap, label) of the small model's spans."""
    agreeing = [(overlap, label) for overlap, label in base_labels if ONTONOTES_TO_CONLL.get(label) == conll_type]
    if agreeing:
        return max(agreeing)[1]
    if conll_type == "LOC" and gazetteer.place(text) is not None:
        return "GPE"
    if conll_type == "MISC" and gazetteer.nationality(text) is None and " " in text:
        return "EVENT"
    return _DEFAULT_TYPE[conll_type]


def training_example(story: AnnotatedStory, nlp: Language, base: Language, gazetteer: Gazetteer) -> Example:
    """The story as the pipeline shows it to the model, with its gold names in OntoNotes types."""
    text = model_text(story.title, story.body, PARAGRAPH_SEPARATOR)
    body_offset = len(story.title) + len(PARAGRAPH_SEPARATOR)
    base_spans = [(ent.start_char, ent.end_char, ent.label_) for ent in base(text).ents]
    predicted = prepare_doc(nlp, text)
    reference = Doc(predicted.vocab, words=[t.text for t in predicted], spaces=[bool(t.whitespace_) for t in predicted])
    spans = []
    for field, start, end, conll_type in story.spans:
        offset = 0 if field == "title" else body_offset
        start, end = start + offset, end + offset
        overlaps = [(min(end, e) - max(start, s), label) for s, e, label in base_spans if s < end and start < e]
        label = fine_type(text[start:end], conll_type, overlaps, gazetteer)
        span = reference.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    reference.ents = filter_spans(spans)
    for ent in reference.ents:
        # The model cannot continue a name past a sentence start; where the splitter cut inside a gold name
        # ("St. Louis"), the name wins, or the gold could not be reached at all.
        for token in predicted[ent.start + 1 : ent.end]:
            token.is_sent_start = False
    return Example(predicted, reference)


def conll_spans(docs: list[Doc]) -> list[tuple[int, int, int, str]]:
    return [
        (i, ent.start_char, ent.end_char, ONTONOTES_TO_CONLL[ent.label_])
        for i, doc in enumerate(docs)
        for ent in doc.ents
        if ent.label_ in ONTONOTES_TO_CONLL
    ]


def held_out_score(nlp: Language, examples: list[Example]) -> Score:
    """CoNLL-class exact-span score on the held-out training stories."""
    gold = conll_spans([eg.reference for eg in examples])
    ner = nlp.get_pipe("ner")
    predicted = conll_spans([ner(eg.predicted.copy()) for eg in examples])
    return score_spans(gold, predicted)


def train(
    train_file: Path, output: Path, epochs: int, seed: int, dropout: float, batch_size: int, limit: int | None = None
) -> Score | None:
    """Fine-tune, keeping the epoch that scores best on the held-out stories; returns its score."""
    spacy.util.fix_random_seed(seed)
    base = load_pipeline(BASE_MODEL)  # the small model as the pipeline runs it: its types label the gold spans
    nlp = spacy.load(BASE_MODEL, exclude=UNUSED_COMPONENTS)
    gazetteer = load_gazetteer()
    stories = list(read_conll_stories(train_file))[:limit]
    started = time.perf_counter()
    examples = [training_example(story, nlp, base, gazetteer) for story in stories]
    held_out = [eg for i, eg in enumerate(examples) if i % 10 == 9]
    training = [eg for i, eg in enumerate(examples) if i % 10 != 9]
    labels = sorted({ent.label_ for eg in examples for ent in eg.reference.ents})
    print(f"{len(training)} training / {len(held_out)} held-out stories, labels {labels}", flush=True)
    print(f"  base model on the held-out stories: {held_out_score(nlp, held_out)}", flush=True)

    optimizer = nlp.resume_training()
    rng = random.Random(seed)
    best: tuple[float, int, Score | None] = (-1.0, -1, None)
    for epoch in range(1, epochs + 1):
        rng.shuffle(training)
        losses: dict[str, float] = {}
        for batch in minibatch(training, size=batch_size):
            nlp.update(batch, drop=dropout, sgd=optimizer, losses=losses)
        with nlp.use_params(optimizer.averages):
            score = held_out_score(nlp, held_out)
        print(
            f"  epoch {epoch:>2}: loss {losses.get('ner', 0.0):9.1f}  held-out {score}  "
            f"({time.perf_counter() - started:.0f}s)",
            flush=True,
        )
        if score.f1 > best[0]:
            best = (score.f1, epoch, score)
            with nlp.use_params(optimizer.averages):
                save(nlp, output, epoch, score)
    print(f"best held-out F1 {best[0]:.3f} at epoch {best[1]}; model in {output}", flush=True)
    return best[2]


def save(nlp: Language, output: Path, epoch: int, score: Score) -> None:
    nlp.meta.update(
        {
            "name": "wiredesk_news_ner",
            "version": "1.0.0",
            "description": (
                "en_core_web_sm 3.8.0's NER fine-tuned on the CoNLL-2003 English training split "
                "(Reuters news, 1996) by devtools/train_ner.py; OntoNotes entity types."
            ),
            "license": "MIT weights base (en_core_web_sm); fine-tuned on CoNLL-2003 (Reuters, research use)",
            "sources": [
                {"name": "en_core_web_sm 3.8.0", "license": "MIT"},
                {"name": "CoNLL-2003 English training split (Tjong Kim Sang & De Meulder 2003)", "license": "research"},
            ],
            "performance": {"held_out_train_stories_f1": round(score.f1, 4), "epoch": epoch},
        }
    )
    output.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    keep_only_base_strings(output)
    (output / "TRAINED_ON.json").write_text(
        json.dumps({"trained_on": TRAINED_ON, "epoch": epoch, "held_out_f1": round(score.f1, 4)}, indent=2) + "\n",
        encoding="utf-8",
    )


def keep_only_base_strings(model_dir: Path) -> None:
    """Write the base model's string table over the trained one's.

    spaCy's string store keeps every token it has seen, so the trained model's would list the training texts'
    words. The model needs none of them (its features are hashes), so the shipped table is the base model's.
    """
    fresh = spacy.load(BASE_MODEL, exclude=UNUSED_COMPONENTS)
    fresh.vocab.strings.to_disk(model_dir / "vocab" / "strings.json")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make train-ner", description=__doc__)
    parser.add_argument("train_file", type=Path, help="the CoNLL-2003 training split (JSONL) in the evaluation folder")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--epochs", type=int, default=25)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--dropout", type=float, default=0.2)
    parser.add_argument("--batch-size", type=int, default=8, help="stories per update")
    parser.add_argument("--limit", type=int, default=None, help="train on the first N stories only (a quick try)")
    args = parser.parse_args(argv)
    if not args.train_file.is_file():
        print(f"no such file: {args.train_file} (pass EVAL_DIR=<the evaluation data folder>)", file=sys.stderr)
        return 2
    train(args.train_file, args.output, args.epochs, args.seed, args.dropout, args.batch_size, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
