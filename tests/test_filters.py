"""Each filter of the analysis chain, alone."""

from __future__ import annotations

import re

import pytest

from veille.indexer.analysis import (
    AccentFoldingFilter,
    ApostropheFilter,
    ElisionFilter,
    FrenchStemFilter,
    LowercaseFilter,
    PositionFilter,
    StopFilter,
    SynonymFilter,
    VariantKeyFilter,
    WordMemo,
    WordTokenizer,
    build_analyzer,
    stemming_chain,
    word_filters,
    word_texts,
)
from veille.indexer.stemming import french_light_stem
from veille.indexer.tables import data_text, parse_synonyms, word_list
from veille.indexer.variants import parse_rules, variant_key


def texts(chain, value, **kwargs):
    return [t.text for t in chain(value, **kwargs)]


def through(*filters):
    """A chain of the tokenizer and the given filters only."""
    chain = WordTokenizer()
    for f in filters:
        chain = chain | f
    return chain


class TestWordTokenizer:
    def test_punctuation_and_guillemets_never_become_tokens(self):
        assert texts(WordTokenizer(), "« invité spécial » — “oui” !") == [
            "invité",
            "spécial",
            "oui",
        ]

    def test_apostrophes_stay_inside_words(self):
        assert texts(WordTokenizer(), "l'Ukraine l’Ukraine Lugans'k") == [
            "l'Ukraine",
            "l’Ukraine",
            "Lugans'k",
        ]

    def test_hyphens_split_words_in_order(self):
        assert texts(WordTokenizer(), "cessez-le-feu") == ["cessez", "le", "feu"]

    def test_char_offsets_point_into_the_original(self):
        value = "À Kiev, l’OTAN"
        tokens = [(t.startchar, t.endchar) for t in WordTokenizer()(value, chars=True)]
        assert [value[s:e] for s, e in tokens] == ["À", "Kiev", "l’OTAN"]

    def test_decomposed_accents_stay_in_the_word(self):
        assert texts(WordTokenizer(), "se\u0301curite\u0301") == ["se\u0301curite\u0301"]


class TestAccentFoldingFilter:
    @pytest.mark.parametrize(
        "word, folded",
        [
            ("sécurité", "securite"),
            ("SÉCURITÉ", "SECURITE"),
            ("œuvre", "oeuvre"),
            ("Æsir", "AEsir"),
            ("ﬁnale", "finale"),
            ("Київ", "Kiyiv"),
            ("Запоріжжя", "Zaporizhzhia"),
            ("l’Ukraine", "l'Ukraine"),
            # Greek as the news writes it now (η and υ are i-sounds, β is v)
            ("Μητσοτάκης", "mitsotakis"),
            ("Κυριάκος", "kyriakos"),
            ("Ευρώπη", "evropi"),
            ("Μπακογιάννη", "bakogianni"),
            ("Αυστρία", "afstria"),  # αυ is af before a voiceless consonant
            ("Προϋπολογισμός", "proypologismos"),  # a diaeresis: υ stands alone
            # Serbian Cyrillic as Serbian Latin; South Slavic đ is dž, and č, ć, š, ž
            # stay for the spelling rules
            ("Ђоковић", "džoković"),
            ("Đoković", "džoković"),
            ("Љубљана", "Ljubljana"),
            ("Babiš", "Babiš"),
        ],
    )
    def test_folds_to_ascii(self, word, folded):
        assert texts(through(AccentFoldingFilter()), word) == [folded]

    def test_drops_tokens_with_nothing_left(self):
        assert texts(through(AccentFoldingFilter()), "\u0301 abc") == ["abc"]


class TestElisionFilter:
    chain = through(
        AccentFoldingFilter(),
        LowercaseFilter(),
        ElisionFilter(word_list(data_text("elisions.txt"))),
    )

    @pytest.mark.parametrize(
        "text, expected",
        [
            ("l'Ukraine", "ukraine"),
            ("l’Ukraine", "ukraine"),
            ("d'après", "apres"),
            ("qu'il", "il"),
            ("jusqu’à", "a"),
            ("lorsqu'elle", "elle"),
            ("puisqu'on", "on"),
            ("c'est", "est"),
            ("aujourd'hui", "aujourd'hui"),
        ],
    )
    def test_elided_prefixes_go(self, text, expected):
        assert texts(self.chain, text) == [expected]


def test_apostrophe_filter_removes_soft_signs():
    chain = through(AccentFoldingFilter(), LowercaseFilter(), ApostropheFilter())
    # (г stays ɣ, for the spelling rules: Luhansk or Lugansk)
    assert texts(chain, "Луганськ Lugans'k") == ["luɣansk", "lugansk"]


def test_stop_filter_drops_listed_words_only():
    chain = through(LowercaseFilter(), StopFilter(frozenset({"de", "la"})))
    assert texts(chain, "garanties de la sécurité") == ["garanties", "sécurité"]


def test_stop_words_do_not_leave_position_gaps():
    chain = through(LowercaseFilter(), StopFilter(frozenset({"de"})), PositionFilter())
    assert [(t.text, t.pos) for t in chain("garanties de sécurité")] == [
        ("garanties", 0),
        ("sécurité", 1),
    ]


class TestFrenchStem:
    @pytest.mark.parametrize(
        "words",
        [
            ("garantie", "garanties"),
            ("securite", "securites"),
            ("ukrainien", "ukrainienne", "ukrainiens", "ukrainiennes"),
            ("europeen", "europeenne", "europeens"),
            ("journal", "journaux"),
            ("bureau", "bureaux"),
            ("offensif", "offensive"),
            ("directeur", "directrice"),
            ("chercheur", "chercheuse"),
            ("premier", "premiere"),
            ("armee", "armees"),
            ("arme", "armes"),
        ],
    )
    def test_forms_of_a_word_share_a_stem(self, words):
        assert len({french_light_stem(w) for w in words}) == 1

    @pytest.mark.parametrize(
        "a, b", [("arme", "armee"), ("crime", "crimee"), ("mer", "mere"), ("paix", "pai")]
    )
    def test_different_words_keep_different_stems(self, a, b):
        assert french_light_stem(a) != french_light_stem(b)

    def test_accents_do_not_change_the_stem_through_the_chain(self):
        chain = stemming_chain()
        assert texts(chain, "sécurité securite SÉCURITÉ sécurités") == ["securit"] * 4

    def test_numbers_and_short_words_are_left_alone(self):
        chain = through(FrenchStemFilter())
        assert texts(chain, "2022 G7 gaz") == ["2022", "G7", "gaz"]


class TestVariantKey:
    @pytest.mark.parametrize(
        "spellings",
        [
            ("zaporizhzhia", "zaporizhia", "zaporijia"),
            ("luhansk", "louhansk"),
            ("zelensky", "zelenskyy", "zelenski", "zelenskii", "zelenskiy"),
            ("dmitry", "dmitri", "dmitrii"),
            ("odessa", "odesa"),
            ("mariupol", "marioupol"),
            ("kharkiv", "harkiv"),
        ],
    )
    def test_rules_join_transliterations(self, spellings):
        assert len({variant_key(s) for s in spellings}) == 1

    @pytest.mark.parametrize(
        "spellings",
        [
            # English, French, German, Polish
            ("khrushchev", "khrouchtchev", "chruschtschow", "chruszczow"),
            ("gorbachev", "gorbatchev", "gorbatschow", "gorbaczow"),
            ("shoigu", "choigou", "schoigu", "szojgu"),
            ("yanukovych", "ianoukovitch", "janukowytsch", "janukowycz"),
            ("tymoshenko", "timochenko", "tymoschenko"),
            ("klitschko", "klitchko", "kliczko", "klychko"),
            ("gerasimov", "guerassimov", "gerassimow"),
            ("navalny", "nawalnyj"),
            ("lavrov", "lawrow"),
            ("vinnytsia", "winnyzja"),
            ("jihad", "djihad"),
            ("avdeyevka", "avdeevka", "avdeievka"),
            ("zyuganov", "ziouganov", "sjuganow"),  # German s before a vowel is z
            ("sergei", "sergej"),  # ... or s
            ("luzhetsky", "lużecki"),  # a Polish ż says the c is ts
            # a j between k, l, m, p, s, t or v and a vowel is the Slavic y (German,
            # Polish) or the French zh: both readings stay
            ("podolyak", "podoliak", "podoljak"),
            ("kostyuk", "kostiuk", "kostjuk"),
            ("semyon", "semion", "semjon"),
            # the Polish ie of a soft consonant, before a j too
            ("andreeva", "andrejewa", "andriejewa"),
            # Czech adds -ová to a woman's name that ends in -ova or -eva
            ("sharapova", "šarapovova"),
            # y or j after i is one sound with it: -iyev, -ijew and -iev meet
            ("aliyev", "aliev", "alijew"),
            ("gergiev", "gergijew", "guerguiev"),
            ("solzhenitsyn", "soljenitsyn"),
        ],
    )
    def test_rules_of_each_language_join_its_spellings(self, spellings):
        # A spelling that reads two ways has two keys (German sch): one must be shared.
        assert set.intersection(*(set(variant_key(s).split()) for s in spellings))

    def test_a_spelling_that_reads_two_ways_has_both_keys(self):
        # German sch writes both sh (Schoigu) and zh (Prigoschin for Prigozhin).
        assert variant_key("prigoschin").split() == [
            variant_key("prigoshin"),
            variant_key("prigozhin"),
        ]

    @pytest.mark.parametrize(
        "a, b",
        [
            ("kiel", "kiev"),
            ("kherson", "kharkiv"),
            ("melitopol", "mariupol"),
            ("chen", "shen"),  # pinyin keeps ch, sh and zh apart
            ("zhou", "chou"),
            ("jamil", "shamil"),  # j is never sh
            ("jeff", "chef"),
            ("peskov", "pskov"),
            ("lavrov", "lvov"),
            ("nanjing", "nanning"),  # after n, j is Chinese (and Japanese) dzh, never y
            ("sirjan", "syrian"),  # ... and after r Persian or Arabic dzh
        ],
    )
    def test_rules_keep_distinct_names_apart(self, a, b):
        # A spelling that reads two ways has two keys (Nanjing would): none may be shared.
        assert not set(variant_key(a).split()) & set(variant_key(b).split())

    def test_listed_exceptions_are_left_as_they_are(self):
        f = VariantKeyFilter(frozenset({"poisson"}))
        chain = through(f)
        assert texts(chain, "poisson poison odessa") == ["poisson", "poison", "odesa"]

    def test_shipped_exceptions_keep_dictionary_words_apart(self, analyzer):
        pairs = [
            ("poisson", "poison"),
            ("roue", "rue"),
            ("mousse", "muse"),
            ("russe", "ruse"),
            ("dessert", "désert"),
            ("good", "god"),
            ("bouche", "bûche"),
        ]
        for a, b in pairs:
            assert analyzer.terms(a) != analyzer.terms(b), (a, b)

    @pytest.mark.parametrize(
        "cyrillic, latin",
        [
            ("Гончаренко", ("Goncharenko", "Honcharenko")),  # Russian g, Ukrainian h
            ("Гаврилюк", ("Gavrilyuk", "Havryliuk")),
            ("Горбачёв", ("Gorbachev",)),  # ё: a Russian word, г is g only
            ("Горлівка", ("Horlivka",)),  # і: a Ukrainian word, г is h only
        ],
    )
    def test_a_cyrillic_g_that_may_be_russian_or_ukrainian_reads_both_ways(
        self, analyzer, cyrillic, latin
    ):
        terms = set(analyzer.terms(cyrillic))
        assert all(terms & set(analyzer.terms(word)) for word in latin), (terms, latin)
        assert len(terms) == len(latin)  # one reading each: no third one

    @pytest.mark.parametrize(
        "spellings",
        [
            ("bortsch", "borchtch", "Borschtsch", "борщ"),
            ("goulache", "Gulasch"),
            ("hachich", "Haschisch"),
        ],
    )
    def test_words_kept_apart_only_from_words_nobody_uses_meet_their_spellings(
        self, analyzer, spellings
    ):
        # bortsch and borchtch were kept apart because rare words shared their key: only
        # words in use (wordfreq, tools/make_variant_exceptions.py) are kept apart now.
        # (German sch reads two ways: one of its terms is shared)
        assert set.intersection(*(set(analyzer.terms(s)) for s in spellings)), spellings

    @pytest.mark.parametrize(
        "spellings",
        [
            # Greek letters, Latin press and Cyrillic (Russian writes Greek names too)
            ("Μητσοτάκης", "Mitsotakis", "Мицотакис"),
            ("Τσίπρας", "Tsipras", "Ципрас"),
            # South Slavic names: with accents, without (the press), Serbian and Russian
            # Cyrillic: -ović is -ович, đ is dj and дж
            ("Đoković", "Djokovic", "Ђоковић", "Джокович"),
            ("Plenković", "Plenkovic", "Пленкович", "Пленковић"),
            ("Vučić", "Вучич", "Вучић"),
            ("Vučić", "Vucic"),
            ("Čaputová", "Caputova", "Чапутова"),
            ("Vondroušová", "Vondrousova", "Вондроушова"),
            ("Karadžić", "Karadzic", "Караджич"),
            ("Dzhokhar", "Djokhar"),  # Russian дж: English dzh, French dj
            ("Babiš", "Babis"),  # a final š goes, as the stemmer takes the s of Babis
            ("Željko", "Zeljko"),  # ž is not the mark of a German or Polish spelling
            # a j beside č, ć, š or ž is y, or the press's j without the accents
            ("Jokić", "Йокич", "Jokic", "Јокић"),
            ("Əliyev", "Aliyev", "Алиев"),  # Azerbaijani ə is a
            ("Belooussov", "Belousov", "Белоусов"),  # French o then ou, English ou
        ],
    )
    def test_greek_and_south_slavic_spellings_meet(self, analyzer, spellings):
        # The first spelling meets every other (the press's Caputova and the Russian
        # Чапутова each meet Čaputová, not always each other).
        first = set(analyzer.terms(spellings[0]))
        assert all(first & set(analyzer.terms(s)) for s in spellings[1:]), spellings

    @pytest.mark.parametrize(
        "spellings",
        [
            # ё after a soft consonant: English -yov, German -jow, French -iev
            ("Воробьёв", "Vorobyov", "Worobjow", "Vorobiev"),
            ("Королёв", "Koroljow", "Korolev"),
            ("Muravyova", "Murawjowa", "Muravieva"),  # and the feminine -yova
            # Polish -cew and -cow for -цев and -цов, German s before w for з
            ("Кузнецов", "Kuzniecow", "Kuznetsov"),
            ("Звягинцев", "Zwiagincew", "Swjaginzew", "Zvyagintsev"),
        ],
    )
    def test_german_and_polish_spellings_of_russian_endings_meet(self, analyzer, spellings):
        first = set(analyzer.terms(spellings[0]))
        assert all(first & set(analyzer.terms(s)) for s in spellings[1:]), spellings

    @pytest.mark.parametrize(
        "a, b",
        [
            ("Vučić", "Vučević"), ("civic", "civil"), ("Jokić", "Jović"), ("Babiš", "Babić"),
            ("Iowa", "Eva"), ("Craiova", "Craeva"),  # io after a vowel is no ё
        ],
    )  # fmt: skip
    def test_the_new_readings_keep_names_apart(self, analyzer, a, b):
        assert not set(analyzer.terms(a)) & set(analyzer.terms(b))

    @pytest.mark.parametrize(
        "word",
        ["Vučić", "čć", "šš", "ž", "Karadžić", "Ђоковић", "Προϋπολογισμός", "Łódź", "Шмигаль"],
    )
    def test_every_term_is_plain_ascii(self, analyzer, word):
        # the letters folding keeps for the spelling rules never reach the index
        assert all(re.fullmatch("[a-z0-9]+", t) for t in analyzer.terms(word)), word

    def test_a_rule_that_always_runs_still_feeds_the_rules_after_it(self):
        # [čć] names no letter: the needle filter must not skip the S -> sh rule
        assert parse_rules("all [čć] c|S\nall S sh\n").keys("vučić") == ("vucic", "vushish")


def lowercase_analyze(text):
    return tuple(text.lower().split())


class TestSynonymFilter:
    table = parse_synonyms(
        "otan, nato\nue, union europeenne\nkremlin => moscou\n", "test", lowercase_analyze
    )

    def chain(self):
        return through(LowercaseFilter(), SynonymFilter(self.table), PositionFilter())

    def test_one_word_entries_become_the_group_token(self):
        assert texts(self.chain(), "NATO et OTAN") == ["otan", "et", "otan"]

    def test_several_words_keep_their_words_and_stack_the_group_token_when_indexing(self):
        tokens = [(t.text, t.pos) for t in self.chain()("l union europeenne", mode="index")]
        assert tokens == [("l", 0), ("union", 1), ("ue", 1), ("europeenne", 2)]

    def test_stacked_token_spans_the_whole_entry(self):
        value = "union europeenne"
        stacked = [t for t in self.chain()(value, chars=True, mode="index") if t.text == "ue"][0]
        assert value[stacked.startchar : stacked.endchar] == "union europeenne"

    def test_queries_get_the_alternatives_instead_of_stacked_tokens(self):
        tokens = list(self.chain()("union europeenne", mode="query"))
        assert [t.text for t in tokens] == ["union", "europeenne"]
        assert tokens[0].span == 2 and tokens[0].alternatives == [("ue",)]

    def test_one_way_rules_expand_queries_only(self):
        query = list(self.chain()("kremlin", mode="query"))
        assert query[0].alternatives == [("kremlin",), ("moscou",)]
        assert texts(self.chain(), "kremlin", mode="index") == ["kremlin"]
        assert not hasattr(list(self.chain()("moscou", mode="query"))[0], "alternatives")

    def test_words_that_only_start_an_entry_pass_through(self):
        assert texts(self.chain(), "union sovietique", mode="index") == ["union", "sovietique"]


class TestWordMemo:
    TEXT = "L’Union européenne et l'OTAN à Zaporizhzhia : garanties de sécurité, Луганськ."

    def test_gives_what_the_filters_give_in_sequence(self):
        filters = word_filters()
        assert texts(through(WordMemo(*filters)), self.TEXT) == texts(through(*filters), self.TEXT)

    def test_keeps_the_elision_cut_in_character_offsets(self):
        chain = through(WordMemo(*word_filters()))
        spans = [self.TEXT[t.startchar : t.endchar] for t in chain(self.TEXT, chars=True)]
        assert spans[:3] == ["Union", "européenne", "OTAN"]

    def test_remembers_each_word_once(self):
        calls = []

        class Counting(LowercaseFilter):
            def transform(self, text):
                calls.append(text)
                return super().transform(text)

        memo = through(WordMemo(Counting()))
        assert texts(memo, "Kiev kiev Kiev") == ["kiev"] * 3
        assert calls == ["Kiev", "kiev"]

    def test_can_skip_stemming(self, analyzer):
        assert analyzer.unstemmed("Sécurités") == ["securites"]
        assert analyzer.terms("Sécurités") == ("securit",)


class TestSpans:
    """``VeilleAnalyzer.spans``, the chain's tokens with their offsets, looked up word by
    word where no table rule can apply: always what the chain itself gives."""

    @staticmethod
    def chain_spans(analyzer, text):
        return [(t.text, t.startchar, t.endchar) for t in analyzer(text, chars=True, mode="index")]

    def test_equals_the_chain_on_random_text_of_table_words_names_and_stop_words(self, analyzer):
        import random
        from pathlib import Path

        tables = data_text("synonyms.txt") + data_text("variants.txt")
        data = Path(__file__).parent / "data"
        vocabulary = sorted(
            set(word_texts(tables))
            | set(word_texts((data / "dev.tsv").read_text(encoding="utf-8")))
            | {"le", "la", "de", "l'", "d’", "et", "Шойгу", "Lukaschenko", "sécu\u00adrité"}
        )
        entries = [  # whole entries, several words long
            entry.strip()
            for line in tables.splitlines()
            if not line.startswith("#")
            for entry in line.replace("=>", ",").split(",")
            if " " in entry.strip()
        ]
        vocabulary += entries * 3
        punctuation = [" ", " ", " ", ", ", ". ", " « ", " » ", "\n", "-", "'"]
        rng = random.Random(13)
        for _ in range(300):
            pieces = []
            for _ in range(rng.randint(1, 60)):
                pieces += [rng.choice(vocabulary), rng.choice(punctuation)]
            text = "".join(pieces)
            assert list(analyzer.spans(text)) == self.chain_spans(analyzer, text), text

    def test_overlapping_rules_match_leftmost_longest_as_the_chain_does(self):
        custom = build_analyzer(synonyms_text="new york, nyc\nyork times, nyt\nparis, lutèce\n")
        for text in (
            "the new york times",
            "york times of new york times",
            "paris " * 3 + "new york " * 2 + "times",
            "un mot " * 10 + "new " + "le " * 10 + "york",
        ):
            assert list(custom.spans(text)) == self.chain_spans(custom, text), text
        stacked = [t for t, _, _ in custom.spans("the new york times")]
        assert stacked.count(custom.terms("nyc")[0]) == 1  # new york, not york times
