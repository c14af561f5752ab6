"""Each defect rule, on sentences written for these tests."""

from __future__ import annotations

import pytest

from summarize.defects import (
    Defect,
    Source,
    bad_end,
    boilerplate,
    broken_grammar,
    cut_complement,
    cut_infinitive,
    cut_modifier,
    dangling_verb,
    foreign_words,
    headline_defects,
    headline_verbs,
    near_duplicates,
    no_verb,
    paragraph_defects,
    pronoun_start,
    rates,
    too_long,
    unbalanced,
    unfinished,
)
from summarize.grammar import agent_relative, has_verb, verb_positions

SOURCE = Source.of(
    "The harbour board will confirm Ann Reyes as its permanent chair on Friday - exactly eight weeks after "
    "she was asked to step in. The board had 312 complaints in 2019-20 and said the port was 'overstretched'. "
    "A grey seal who fell ill was nursed back to health by volunteers. "
    "Reyes lost to Tom Vale in the quarter-finals of the county rowing championship."
)


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Harbour board to confirm Ann Reyes as chair - exactly eight", True),
        ("Harbour board had 312 complaints in", True),
        ("Board had 312 complaints and", True),
        ("Board says port is overstretched, volunteers said", True),
        ("Ann Reyes to be confirmed as chair -", True),
        ("Board had 312", True),
        ("Seal was not", True),
        ("Board handed Band Aid 20", False),
        ("Islanders are reportedly", True),
        ("Harbour board to confirm Ann Reyes as chair", False),
        ("Rower beat rival 6-1", False),
        ("Story of the seal to be told", False),
    ],
)
def test_bad_end(headline: str, flagged: bool) -> None:
    assert (bad_end(headline) is not None) == flagged


CUTS = Source.of(
    "The ferry company has reported a loss of 4m for the year. "
    "Islanders said they will buy land owned by a mainland trust. "
    "The council warned residents about irregular sailings this winter. "
    "Ticket sales fell this week, and fares rose faster than expected. "
    "Ferry shares have lost more than half their value. "
    "The sailing was cancelled by the harbour master. "
    "The crew avoided an upset by docking early, and revenue fell by 5% in March."
)


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Ferry company has reported", True),  # active, its object cut ("a loss")
        ("Islanders to buy land owned", True),  # the agent of a modifier cut
        ("Council warned residents about irregular", True),  # an adjective without its noun
        ("Ferry shares have lost more", True),  # "more | than half"
        ("Ferry company has reported loss of 4m", False),
        ("Ticket sales fell", False),  # "this week" is an adverbial, not an object
        ("Fares rose faster", True),  # "than expected" was the news
        ("Sailing cancelled", False),  # a headline's own passive needs no agent
        ("Crew avoided an upset", False),  # "by docking" is a means
        ("Revenue fell", False),
    ],
)
def test_cut_objects_and_modifiers(headline: str, flagged: bool) -> None:
    found = bad_end(headline) or dangling_verb(headline, CUTS) or cut_modifier(headline, CUTS)
    assert (found is not None) == flagged, found


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ('Board calls port "overstretched', True),
        ("Board calls port 'overstretched", True),
        ("Board calls port 'overstretched'", False),
        ("Board calls port 'overstretched.'", False),
        ("Fans' favourite returns", False),
        ("Reyes's board meets (again", True),
        ("Reyes's board meets [again]", False),
    ],
)
def test_unbalanced(text: str, flagged: bool) -> None:
    assert (unbalanced(text) is not None) == flagged


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("It was pretty impressive", True),
        ("She's been living in Leeds", True),
        ("Their boat sank", True),
        ("This is the moment a seal was saved", True),
        ("This year's rowing final cancelled", False),
        ("Seal nursed back to health", False),
        ("Those figures were total of votes", True),
        ("But volunteers saved the seal", True),
        ("According to research by the trust", True),
        ("Combined with high tides, the storm", True),
        ("In his twenties he rowed for Wales", True),
        ("The 28-year-old has been in great form", True),
        ("28-year-old rower wins final", False),
        ("Police say they found the seal", False),
    ],
)
def test_pronoun_start(headline: str, flagged: bool) -> None:
    assert (pronoun_start(headline) is not None) == flagged


def test_foreign_words_catch_glued_pieces_and_allow_real_ones() -> None:
    assert foreign_words("Board had 312 complaints-20", SOURCE) == ["complaints-20"]
    assert foreign_words("Reyes lost to Tom Vale-finals", SOURCE) == ["Vale-finals"]
    assert foreign_words("Board to confirm Reyes in 2019-20 quarter-finals", SOURCE) == []
    # An apostrophised word's piece is a word of the source; "to" is headline style.
    assert foreign_words("Harbour chair to step in", Source.of("The harbour's chair will step in.")) == []
    assert foreign_words("Harbour board sacks chair", SOURCE) == ["sacks"]
    # Another form of a source verb is the source's word: headlines tell the past in the present.
    assert foreign_words("Reyes loses to Tom Vale", SOURCE) == []
    assert foreign_words("Board confirms Reyes", SOURCE) == []


def test_no_verb_only_when_the_source_sentence_had_one() -> None:
    assert no_verb("Grey seal who fell ill", SOURCE) == "no verb"
    assert no_verb("Grey seal nursed back to health", SOURCE) is None
    assert no_verb("Ann Reyes", Source.of("Ann Reyes, rower and chair of the board")) is None


def test_no_verb_wants_the_verb_of_the_main_clause() -> None:
    source = Source.of(
        "Half of the money put aside by the council to help the poor is benefiting people who do not need it. "
        "The ferry line is cutting its fares by half. Islanders are very concerned about the cuts."
    )
    # "put" is the relative clause's; the main verb, "is benefiting", is gone.
    assert no_verb("Half of money put aside by council", source) is not None
    # Another tense of the main verb, or the word after a dropped copula, is the verb.
    assert no_verb("Ferry line cuts fares by half", source) is None
    assert no_verb("Islanders concerned about cuts", source) is None


def test_no_verb_reads_the_headline_against_its_sentence() -> None:
    landlord = Source.of("A landlord who was convicted of drink driving has vowed never to drink again.")
    # "was" and "drink" are verbs of the sentence, but not these ones.
    assert no_verb("Landlord who was convicted of drink driving", landlord) is not None
    assert no_verb("Landlord vows never to drink again", landlord) is None
    # A photo caption has its only verb in an aside.
    caption = Source.of("Ann Reyes outside the court yesterday, where she was cheered by fans.")
    assert no_verb("Ann Reyes outside court yesterday, where she was cheered", caption) is not None
    deal = "Mitsubishi Motors has struck a deal to supply Peugeot.".split()
    assert headline_verbs("Mitsubishi Motors strikes deal".split(), deal) == [2]


def test_verb_positions() -> None:
    assert verb_positions("Shares rise on bid talk".split()) == [1]
    assert verb_positions("Board to confirm Reyes".split()) == [2]
    assert verb_positions("Grey seal who fell ill".split()) == []
    # A relative clause without "that": its verb is not the headline's.
    assert verb_positions("The short hairstyle she models".split()) == []
    assert verb_positions("Hairstyle she models inspired by rower".split()) == [3]
    assert verb_positions("After the storm they fled".split()) == [4]
    assert verb_positions("Police say they found body".split()) == [3]
    # A present form after a name is the verb; after a lower-case word, a noun.
    assert verb_positions("Spain wins Davis Cup".split()) == [1]
    assert verb_positions("US car firms General Motors and Ford".split()) == []
    # Relative clauses, lists, asides and participles that are adjectives are no main verbs.
    assert verb_positions("Film that follows group of alienated youth".split()) == []
    assert verb_positions("German firm whose main product is derived".split()) == []
    assert verb_positions("Governments, aid agencies, insurers".split()) == []
    assert verb_positions("The study, undertaken by the board,".split()) == []
    assert verb_positions("Geared towards online gamers".split()) == []
    assert verb_positions("Viruses and other malicious programs".split()) == []
    assert verb_positions("The money put aside by the council is benefiting people".split()) == [7, 8]
    assert verb_positions("Firm said profits were up".split())[:2] == [1, 3]
    assert verb_positions("Board revealed that the hairstyle she models was inspired".split()) == [1, 7, 8]
    assert verb_positions("Attitudes are reportedly changing".split()) == [1, 3]
    # ...unless the word is no noun: "investigates", "sue" before a name are verbs.
    assert verb_positions("Regulator investigates Marsh".split()) == [1]
    assert verb_positions("Girls sue Wal-Mart".split()) == [1]
    assert not has_verb("Series of images capturing the harbour")
    assert has_verb("Harbour board sacked its chair")
    # One verb per clause: a noun-like word gives way to a sure verb after it.
    assert verb_positions("Ferry waiting times for islanders are to be cut".split()) == [5, 7, 8]
    assert verb_positions("Ferry plans cuts and will close a pier".split()) == [1, 4, 5]
    assert verb_positions("Board has suspended a warden who should be sacked".split())[:2] == [1, 2]
    # An adverb between subject and verb leaves the verb a verb.
    assert verb_positions("Orkney still lags behind".split()) == [2]
    assert verb_positions("Orkney no longer needs the ferry".split()) == [3]
    # Says he hopes: a subject pronoun opens a clause with a verb of its own.
    assert verb_positions("Reyes says he hopes".split()) == [1, 3]


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Board said it to seize the port", True),
        ("Reyes wouldn't moved any quicker", True),
        ("Volunteers reported to used nets", True),
        ("Board to seize the port", False),
        ("Reyes would move quicker", False),
        ("Board plays down reports that Ann Reyes", True),
        ("Board says Ann Reyes", True),
        ("Reyes tells of shock", False),
        ("Board denies reports that Reyes will quit", False),
        ("Board recalls ferries because of fault", False),
        ("Seal that volunteers nursed", False),
        ("Board breaks that rule", False),
    ],
)
def test_broken_grammar(headline: str, flagged: bool) -> None:
    assert (broken_grammar(headline) is not None) == flagged


def test_too_long() -> None:
    assert too_long("one two three", 2) == "3 words > 2"
    assert too_long("one two", 2) is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("By . Sam Webb . PUBLISHED: 10:02 EST, 1 May 2014", "byline"),
        ("By Laura Jones, CNN", "byline"),
        ("HARBOUR CITY (Reuters) - The board met on Friday.", "dateline"),
        ("(CNN) -- The board met on Friday.", "dateline"),
        ("Harbour City, Wales (CNN)The board met on Friday.", "dateline"),
        ("Sportsmail will be providing you with team news.", "house promotion"),
        ("Scroll down for video", "scroll prompt"),
        ("Click here to read more about the port.", "click prompt"),
        ("Media playback is not supported on this device", "media notice"),
        ("Ann Reyes arrived at the harbour. (Photo/Reuters)", "photo credit"),
        ("The seal rests on the shore. Picture: Harbour Trust", "photo credit"),
    ],
)
def test_boilerplate(text: str, name: str) -> None:
    found = boilerplate(text)
    assert found is not None and found.startswith(name)


@pytest.mark.parametrize("text", ["By Friday the board had met.", "The board met on Friday.", "Photos show the port."])
def test_boilerplate_spares_news(text: str) -> None:
    assert boilerplate(text) is None


def test_headline_defects_report_each_kind() -> None:
    kinds = [d.kind for d in headline_defects("She to confirm the board 'harbour and", SOURCE, 5)]
    assert kinds == ["bad_end", "unbalanced", "pronoun_start", "broken_grammar", "too_long"]
    assert headline_defects("Harbour board to confirm Ann Reyes as chair", SOURCE, 12) == []


@pytest.mark.parametrize(
    ("sentence", "flagged"),
    [
        ("Reyes at the harbour last week The board met for an hour.", True),
        ("The board met for an hour", True),
        ("The board met for an hour.", False),
        ('"The board met," she said.', False),
        ("She said The Times was wrong about the board.", False),
        ("The film The Harbour opens on Friday.", False),
        ("ANN REYES SAVES A SEAL Thankfully, volunteers were there.", True),
        ("The BBC and the NHS said US GDP rose.", False),
    ],
)
def test_unfinished(sentence: str, flagged: bool) -> None:
    assert (unfinished(sentence) is not None) == flagged


def test_near_duplicates() -> None:
    caption = "Ann Reyes, chair of the harbour board, arrived in Portmouth to meet the rowers."
    lede = "Harbour board chair Anne Reyes has arrived in Portmouth for the first time since the vote on the port."
    other = "Volunteers nursed a grey seal back to health on the shore of the harbour."
    assert near_duplicates([caption, lede]) == [lede[:60]]
    assert near_duplicates([caption, other]) == []


def test_paragraph_defects() -> None:
    bad = (
        "Ann Reyes at the harbour The board will confirm her as chair on Friday. "
        "'But I've said all along, it's not about me. Click here for more."
    )
    kinds = [d.kind for d in paragraph_defects(bad)]
    assert kinds == ["unfinished", "unbalanced", "boilerplate"]
    good = "The board will confirm Ann Reyes as chair on Friday. 'It's not about me,' she said."
    assert paragraph_defects(good) == []


def test_rates() -> None:
    per_doc = [[Defect("bad_end", "x"), Defect("no_verb", "y")], [], [Defect("no_verb", "z")], []]
    assert rates(per_doc, ("bad_end", "no_verb")) == {"any": 0.5, "bad_end": 0.25, "no_verb": 0.5}


COMPLEMENTS = Source.of(
    "The harbour board has left its mooring fees on hold at 40 pounds for a sixth month. "
    "The council put the ferry plan at the heart of its budget. "
    "Ann Reyes left the rowing club in 2004 after a row. "
    "Two wardens are set to leave early on 28 January."
)


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Harbour board left mooring fees", True),
        ("Council put ferry plan", True),
        ("Harbour board left mooring fees on hold", False),  # the complement is there
        ("Ann Reyes left rowing club", False),  # a time, not a complement, followed
        ("Two wardens set to leave early", False),  # a date followed
    ],
)
def test_a_cut_complement_is_a_bad_end(headline: str, flagged: bool) -> None:
    assert (cut_complement(headline, COMPLEMENTS) is not None) == flagged
    assert any(d.kind == "bad_end" for d in headline_defects(headline, COMPLEMENTS)) == flagged


def test_agent_relative() -> None:
    def without(sentence: str) -> str | None:
        tokens = sentence.split()
        span = agent_relative(tokens)
        return span and " ".join(tokens[: span[0]] + tokens[span[1] :])

    assert without("A film produced by director Sam Raimi has topped the box office") == (
        "A film has topped the box office"
    )
    assert without("A dog that went missing on holiday has been found") == "A dog has been found"
    # The main clause's auxiliary, not the relative clause's own.
    assert without("A man who froze his disk thinking it would be fixed has topped a list") == "A man has topped a list"
    # Not an object relative, a verb's "that" clause, or a participle that an adverb makes the news.
    assert without("The plot that readers are likely to like") is None
    assert without("The win proves that they are the best") is None
    assert without("The family of a man allegedly killed by troops have won") is None


@pytest.mark.parametrize(
    ("headline", "sentence"),
    [
        ("Institute looks", "The institute looks at possible fault lines."),
        ("Rogue firms could be cut", "Rogue firms could be cut off from the networks."),
        ("Minister vows to plough", "The minister has vowed to plough on with plans for ID cards."),
        # A verb put in the present is found in its source form.
        ("German firm looks", "A German firm is looking to raise 70m euros."),
    ],
)
def test_dangling_verb_catches_particles_prepositions_and_other_tenses(headline: str, sentence: str) -> None:
    assert dangling_verb(headline, Source.of(sentence)) is not None


def test_a_comparison_with_what_was_expected_is_the_news() -> None:
    source = Source.of("The port handled fewer ships than expected. It won more contracts than its rival.")
    assert cut_modifier("Port handles fewer ships", source) is not None
    assert cut_modifier("Port wins more contracts", source) is None


def test_a_headline_ending_on_the_verb_is_left_to_dangling_verb() -> None:
    assert cut_complement("Harbour board has left", COMPLEMENTS) is None
    assert dangling_verb("Harbour board has left", COMPLEMENTS) is not None


INFINITIVES = Source.of(
    "The regulator is willing to soften the new rules. The ferry firm cut jobs to save money. "
    "Fares are set to rise in March. Heavy rain forced more than 2,000 people to leave their homes."
)


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Regulator is willing", True),  # "willing | to soften"
        ("Fares set", True),  # "set | to rise"
        ("Regulator is willing to soften new rules", False),
        ("Ferry firm cut jobs", False),  # an infinitive of purpose after a noun
        ("Fares set to rise", False),
        ("Heavy rain forces more than 2,000 people", True),  # the object of "forced | to leave"
        ("Heavy rain forces 2,000 people to leave homes", False),
    ],
)
def test_a_cut_infinitive_is_a_bad_end(headline: str, flagged: bool) -> None:
    assert (cut_infinitive(headline, INFINITIVES) is not None) == flagged


MORE_CUTS = Source.of(
    "The ferry company has dismissed an attempt by the harbour board to raise mooring fees. "
    "The union called on the council to save the ferry. "
    "Ann Reyes is favourite to win the rowing prize. "
    "Ann Reyes became the first rower to cross the firth in winter. "
    "The harbour board welcomed the decision by Orkney and Shetland to share the costs. "
    "The ferry firm reported a sharp increase in passengers. "
    "Fares rose to their highest level in four years. "
    "The inspector described the pier as unsafe. "
    "Islanders are interested in a second ferry. "
    "The new timetable has gone on sale. "
    "The council confirmed the ferries are on standby. "
    "Tom Vale stepped into the role of harbour master. "
    "The council played down claims that it could step in to run the ferry. "
    "Three wardens accused of fraud were cleared. "
    "Ann Reyes shared a set of photographs. "
    "Ann Reyes wanted to remain chair a week before the vote. "
    "A grey seal who fell ill is now a mascot. "
    "The expenses associated with the ferry rose. "
    "The pier company filed for bankruptcy. "
    "The rowing club is to take over the pier. "
    "Ann Reyes is in talks to buy the pier. "
    "The harbour master reminded the wardens of their duty. "
    "Snow caught ferry crews off guard. "
    "Tom Vale found himself in court."
)


@pytest.mark.parametrize(
    ("headline", "flagged"),
    [
        ("Ferry company dismisses attempt by harbour board", True),  # "attempt ... | to raise"
        ("Ferry company dismisses attempt by harbour board to raise mooring fees", False),
        ("Union calls on council", True),  # "called on X | to save"
        ("Ann Reyes is favourite", True),  # "favourite | to win"
        ("Ann Reyes becomes first rower", True),  # "first rower | to cross"
        ("Harbour board welcomes decision by Orkney", True),  # "Orkney | and Shetland"
        ("Ferry firm reports sharp increase", True),  # "increase | in passengers"
        ("Ferry firm reports sharp increase in passengers", False),
        ("Fares rise to highest level", True),  # "highest level | in four years"
        ("Fares rise to highest level in four years", False),
        ("Inspector describes pier", True),  # "describes the pier | as unsafe"
        ("Inspector describes pier as unsafe", False),
        ("Islanders are interested", True),  # "interested | in"
        ("New timetable has gone", True),  # "gone | on sale"
        ("Council confirms ferries", True),  # "ferries | are on standby"
        ("Council confirms ferries are on standby", False),
        ("Tom Vale steps", True),  # "stepped | into the role"
        ("Council plays down claims", False),  # "claims" is the noun after "down"
        ("Three wardens accused", True),  # "accused | of"
        ("Ann Reyes shared set", True),  # "set | of photographs"
        ("Ann Reyes wanted to remain chair week", True),  # "a week | before"
        ("Grey seal who fell ill is now", True),  # "is now | a mascot"
        ("Expenses associated", True),  # "associated | with"
        ("Pier company files", True),  # "filed | for bankruptcy"
        ("Pier company files for bankruptcy", False),
        ("Rowing club to take", True),  # "to take | over the pier"
        ("Ann Reyes is in talks", True),  # "in talks | to buy"
        ("Harbour master reminds wardens", True),  # "reminded the wardens | of their duty"
        ("Snow caught ferry crews", True),  # "caught ferry crews | off guard"
        ("Tom Vale finds himself", True),  # "found himself | in court"
    ],
)
def test_a_cut_complement_of_any_kind_is_a_bad_end(headline: str, flagged: bool) -> None:
    found = [d.detail for d in headline_defects(headline, MORE_CUTS) if d.kind == "bad_end"]
    assert bool(found) == flagged, found


@pytest.mark.parametrize(
    "headline",
    [
        "While there is more work to do, Reyes",  # no main clause after the subordinate one
        "Star of the ferry film, can be seen laughing",  # a comma that closes no aside
        "After the ferry eased past the pier",  # "after" opens no main clause
    ],
)
def test_broken_grammar_of_clauses_and_commas(headline: str) -> None:
    assert broken_grammar(headline) is not None


def test_an_aside_after_a_dash_holds_no_main_verb() -> None:
    source = Source.of("Tom Vale - who blamed the council for the delay - conceded the ferry was late.")
    assert no_verb("Tom Vale - who blamed council", source) is not None


def test_an_unattributed_quotation_leans_on_its_speaker() -> None:
    assert pronoun_start('"Reyes will add strength to the crew."') is not None
    assert pronoun_start('Reyes will add "strength" to crew') is None
