"""Reading written names (quotecheck.names): a table of forms in English, French, German and Spanish."""

from __future__ import annotations

import pytest

from quotecheck.names import is_generic_label, name_match, read_name

# (as written, language, name, given, surname, role, gender)
FORMS: list[tuple[str, str | None, str, tuple[str, ...], str, str | None, str | None]] = [
    # English: honorifics, titles, roles
    ("Elizabeth Warren", None, "Elizabeth Warren", ("Elizabeth",), "Warren", None, None),
    ("Senator Warren", None, "Warren", (), "Warren", "Senator", None),
    ("Sen. Elizabeth Warren", None, "Elizabeth Warren", ("Elizabeth",), "Warren", "Sen.", None),
    ("E. Warren", None, "E. Warren", ("E.",), "Warren", None, None),
    ("Warren, Elizabeth", None, "Elizabeth Warren", ("Elizabeth",), "Warren", None, None),
    ("Mrs. Warren", None, "Warren", (), "Warren", None, "female"),
    ("Mrs Warren", None, "Warren", (), "Warren", None, "female"),
    ("Ms. Susan Glasser", None, "Susan Glasser", ("Susan",), "Glasser", None, "female"),
    ("Mr. Biden", None, "Biden", (), "Biden", None, "male"),
    ("Mr Joe Biden", None, "Joe Biden", ("Joe",), "Biden", None, "male"),
    ("Joe Biden ", None, "Joe Biden", ("Joe",), "Biden", None, None),
    ("  Joe   Biden", None, "Joe Biden", ("Joe",), "Biden", None, None),
    ("JOE BIDEN", None, "JOE BIDEN", ("JOE",), "BIDEN", None, None),
    ("joe biden", None, "joe biden", ("joe",), "biden", None, None),
    ("Dr. Jill Biden", None, "Jill Biden", ("Jill",), "Biden", None, None),
    ("Dr Anthony Fauci", None, "Anthony Fauci", ("Anthony",), "Fauci", None, None),
    (
        "Rep. Alexandria Ocasio-Cortez",
        None,
        "Alexandria Ocasio-Cortez",
        ("Alexandria",),
        "Ocasio-Cortez",
        "Rep.",
        None,
    ),
    ("Gov. Gavin Newsom", None, "Gavin Newsom", ("Gavin",), "Newsom", "Gov.", None),
    ("Governor Newsom", None, "Newsom", (), "Newsom", "Governor", None),
    ("President Trump", None, "Trump", (), "Trump", "President", None),
    ("President Donald Trump", None, "Donald Trump", ("Donald",), "Trump", "President", None),
    ("Vice President Mike Pence", None, "Mike Pence", ("Mike",), "Pence", "Vice President", None),
    ("Former Vice President Joe Biden", None, "Joe Biden", ("Joe",), "Biden", "Former Vice President", None),
    ("Mike Pence R-IN", None, "Mike Pence", ("Mike",), "Pence", None, None),
    ("Gwen Moore D-Wis", None, "Gwen Moore", ("Gwen",), "Moore", None, None),
    ("Elizabeth Warren (D-MA)", None, "Elizabeth Warren", ("Elizabeth",), "Warren", None, None),
    ("Mayor Elena Várga", None, "Elena Várga", ("Elena",), "Várga", "Mayor", None),
    ("Mayor of Marrowick Elena Várga", None, "Elena Várga", ("Elena",), "Várga", "Mayor of Marrowick", None),
    ("E. Várga", None, "E. Várga", ("E.",), "Várga", None, None),
    ("Elena Varga", None, "Elena Varga", ("Elena",), "Varga", None, None),
    ("Councillor Tom Ashby", None, "Tom Ashby", ("Tom",), "Ashby", "Councillor", None),
    ("Pastor Rick Warren", None, "Rick Warren", ("Rick",), "Warren", None, None),
    (
        "Russian Foreign Minister Sergey Lavrov",
        None,
        "Sergey Lavrov",
        ("Sergey",),
        "Lavrov",
        "Russian Foreign Minister",
        None,
    ),
    ("Foreign Minister Lavrov", None, "Lavrov", (), "Lavrov", "Foreign Minister", None),
    ("Minister Lavrov", None, "Lavrov", (), "Lavrov", "Minister", None),
    ("Lavrov", None, "Lavrov", (), "Lavrov", None, None),
    ("LAVROV", None, "LAVROV", (), "LAVROV", None, None),
    (
        "Minister of Foreign Affairs Sergey Lavrov",
        None,
        "Sergey Lavrov",
        ("Sergey",),
        "Lavrov",
        "Minister of Foreign Affairs",
        None,
    ),
    ("Secretary of State Mike Pompeo", None, "Mike Pompeo", ("Mike",), "Pompeo", "Secretary of State", None),
    (
        "U.S. Secretary of State Mike Pompeo",
        None,
        "Mike Pompeo",
        ("Mike",),
        "Pompeo",
        "U.S. Secretary of State",
        None,
    ),
    ("the Foreign Minister", None, "", (), "", "the Foreign Minister", None),
    (
        "Susan Glasser, Foreign Policy editor in chief",
        None,
        "Susan Glasser",
        ("Susan",),
        "Glasser",
        "Foreign Policy editor in chief",
        None,
    ),
    (
        "Foreign Policy editor Susan Glasser",
        None,
        "Susan Glasser",
        ("Susan",),
        "Glasser",
        "Foreign Policy editor",
        None,
    ),
    ("Susan B. Glasser", None, "Susan B. Glasser", ("Susan", "B."), "Glasser", None, None),
    ("J. K. Rowling", None, "J. K. Rowling", ("J.", "K."), "Rowling", None, None),
    ("J.K. Rowling", None, "J. K. Rowling", ("J.", "K."), "Rowling", None, None),
    ("A. Cooper", None, "A. Cooper", ("A.",), "Cooper", None, None),
    ("Anderson Cooper", None, "Anderson Cooper", ("Anderson",), "Cooper", None, None),
    ("Martin Luther King Jr.", None, "Martin Luther King", ("Martin", "Luther"), "King", None, None),
    ("Dr. Martin Luther King, Jr.", None, "Martin Luther King", ("Martin", "Luther"), "King", None, None),
    ("Robert Downey Jr", None, "Robert Downey", ("Robert",), "Downey", None, None),
    ("Henry Ford III", None, "Henry Ford", ("Henry",), "Ford", None, None),
    ("Beto O’Rourke", None, "Beto O’Rourke", ("Beto",), "O’Rourke", None, None),
    ("Beto O'Rourke", None, "Beto O'Rourke", ("Beto",), "O'Rourke", None, None),
    ("Bashar al-Assad", None, "Bashar al-Assad", ("Bashar",), "al-Assad", None, None),
    ("President Bashar al-Assad", None, "Bashar al-Assad", ("Bashar",), "al-Assad", "President", None),
    ("Ludwig van Beethoven", None, "Ludwig van Beethoven", ("Ludwig",), "van Beethoven", None, None),
    ("Vincent van Gogh", None, "Vincent van Gogh", ("Vincent",), "van Gogh", None, None),
    ("Sir Keir Starmer", None, "Keir Starmer", ("Keir",), "Starmer", None, "male"),
    ("Dame Judi Dench", None, "Judi Dench", ("Judi",), "Dench", None, "female"),
    ("Congresswoman Maxine Waters", None, "Maxine Waters", ("Maxine",), "Waters", "Congresswoman", "female"),
    ("Speaker Nancy Pelosi", None, "Nancy Pelosi", ("Nancy",), "Pelosi", "Speaker", None),
    ("Chief Justice John Roberts", None, "John Roberts", ("John",), "Roberts", "Chief Justice", None),
    ("Prime Minister Boris Johnson", None, "Boris Johnson", ("Boris",), "Johnson", "Prime Minister", None),
    ("former President Barack Obama", None, "Barack Obama", ("Barack",), "Obama", "former President", None),
    ("Bret Baier", None, "Bret Baier", ("Bret",), "Baier", None, None),
    ("Martha MacCallum", None, "Martha MacCallum", ("Martha",), "MacCallum", None, None),
    ("Julian Castro", None, "Julian Castro", ("Julian",), "Castro", None, None),
    # French
    ("M. Jean Dupont", "fr", "Jean Dupont", ("Jean",), "Dupont", None, "male"),
    ("M. Dupont", "fr", "Dupont", (), "Dupont", None, "male"),
    (
        "Mme Hélène Dufresne-Arcan",
        "fr",
        "Hélène Dufresne-Arcan",
        ("Hélène",),
        "Dufresne-Arcan",
        None,
        "female",
    ),
    ("Mme Dufresne-Arcan", "fr", "Dufresne-Arcan", (), "Dufresne-Arcan", None, "female"),
    (
        "Madame Hélène Dufresne-Arcan",
        "fr",
        "Hélène Dufresne-Arcan",
        ("Hélène",),
        "Dufresne-Arcan",
        None,
        "female",
    ),
    ("Mlle Claire Dubois", "fr", "Claire Dubois", ("Claire",), "Dubois", None, "female"),
    ("Monsieur Paul Martin", "fr", "Paul Martin", ("Paul",), "Martin", None, "male"),
    (
        "la présidente du conseil régional, Hélène Dufresne-Arcan",
        "fr",
        "Hélène Dufresne-Arcan",
        ("Hélène",),
        "Dufresne-Arcan",
        "la présidente du conseil régional",
        "female",
    ),
    (
        "la présidente Hélène Dufresne-Arcan",
        "fr",
        "Hélène Dufresne-Arcan",
        ("Hélène",),
        "Dufresne-Arcan",
        "la présidente",
        "female",
    ),
    ("la présidente", "fr", "", (), "", "la présidente", "female"),
    (
        "le ministre Jean-Yves Le Drian",
        "fr",
        "Jean-Yves Le Drian",
        ("Jean-Yves",),
        "Le Drian",
        "le ministre",
        None,
    ),
    (
        "le maire de Lyon, Grégory Doucet",
        "fr",
        "Grégory Doucet",
        ("Grégory",),
        "Doucet",
        "le maire de Lyon",
        None,
    ),
    ("Charles de Gaulle", "fr", "Charles de Gaulle", ("Charles",), "de Gaulle", None, None),
    ("le général de Gaulle", "fr", "de Gaulle", (), "de Gaulle", "le général", None),
    ("Dr Marie Curie", "fr", "Marie Curie", ("Marie",), "Curie", None, None),
    (
        "la sénatrice Nathalie Goulet",
        "fr",
        "Nathalie Goulet",
        ("Nathalie",),
        "Goulet",
        "la sénatrice",
        "female",
    ),
    ("le député François Ruffin", "fr", "François Ruffin", ("François",), "Ruffin", "le député", "male"),
    (
        "la ministre de la Culture Rachida Dati",
        "fr",
        "Rachida Dati",
        ("Rachida",),
        "Dati",
        "la ministre de la Culture",
        None,
    ),
    ("Emmanuel Macron", "fr", "Emmanuel Macron", ("Emmanuel",), "Macron", None, None),
    ("Macron, Emmanuel", "fr", "Emmanuel Macron", ("Emmanuel",), "Macron", None, None),
    ("HÉLÈNE DUFRESNE-ARCAN", "fr", "HÉLÈNE DUFRESNE-ARCAN", ("HÉLÈNE",), "DUFRESNE-ARCAN", None, None),
    ("Me Éric Dupond-Moretti", "fr", "Éric Dupond-Moretti", ("Éric",), "Dupond-Moretti", None, None),
    (
        "Valéry Giscard d'Estaing",
        "fr",
        "Valéry Giscard d'Estaing",
        ("Valéry", "Giscard"),
        "d'Estaing",
        None,
        None,
    ),
    # German
    ("Herr Olaf Scholz", "de", "Olaf Scholz", ("Olaf",), "Scholz", None, "male"),
    ("Herr Scholz", "de", "Scholz", (), "Scholz", None, "male"),
    ("Frau Angela Merkel", "de", "Angela Merkel", ("Angela",), "Merkel", None, "female"),
    ("Frau Merkel", "de", "Merkel", (), "Merkel", None, "female"),
    (
        "Bundeskanzlerin Angela Merkel",
        "de",
        "Angela Merkel",
        ("Angela",),
        "Merkel",
        "Bundeskanzlerin",
        "female",
    ),
    ("Bundeskanzler Olaf Scholz", "de", "Olaf Scholz", ("Olaf",), "Scholz", "Bundeskanzler", "male"),
    (
        "Außenministerin Annalena Baerbock",
        "de",
        "Annalena Baerbock",
        ("Annalena",),
        "Baerbock",
        "Außenministerin",
        "female",
    ),
    ("Dr. Angela Merkel", "de", "Angela Merkel", ("Angela",), "Merkel", None, None),
    ("Prof. Dr. Christian Drosten", "de", "Christian Drosten", ("Christian",), "Drosten", None, None),
    ("Ursula von der Leyen", "de", "Ursula von der Leyen", ("Ursula",), "von der Leyen", None, None),
    (
        "Bürgermeisterin Franziska Giffey",
        "de",
        "Franziska Giffey",
        ("Franziska",),
        "Giffey",
        "Bürgermeisterin",
        "female",
    ),
    ("Frank-Walter Steinmeier", "de", "Frank-Walter Steinmeier", ("Frank-Walter",), "Steinmeier", None, None),
    (
        "Bundespräsident Frank-Walter Steinmeier",
        "de",
        "Frank-Walter Steinmeier",
        ("Frank-Walter",),
        "Steinmeier",
        "Bundespräsident",
        "male",
    ),
    (
        "Karl-Theodor zu Guttenberg",
        "de",
        "Karl-Theodor zu Guttenberg",
        ("Karl-Theodor",),
        "zu Guttenberg",
        None,
        None,
    ),
    ("Pfarrer Martin Müller", "de", "Martin Müller", ("Martin",), "Müller", None, "male"),
    ("Jürgen Klopp", "de", "Jürgen Klopp", ("Jürgen",), "Klopp", None, None),
    # Spanish
    ("Sr. Pedro Sánchez", "es", "Pedro Sánchez", ("Pedro",), "Sánchez", None, "male"),
    ("Sra. Ana Pastor", "es", "Ana Pastor", ("Ana",), "Pastor", None, "female"),
    ("Señora Ayuso", "es", "Ayuso", (), "Ayuso", None, "female"),
    ("Don Felipe González", "es", "Felipe González", ("Felipe",), "González", None, "male"),
    ("Doña Letizia Ortiz", "es", "Letizia Ortiz", ("Letizia",), "Ortiz", None, "female"),
    ("el presidente Pedro Sánchez", "es", "Pedro Sánchez", ("Pedro",), "Sánchez", "el presidente", None),
    (
        "la presidenta Isabel Díaz Ayuso",
        "es",
        "Isabel Díaz Ayuso",
        ("Isabel",),
        "Díaz Ayuso",
        "la presidenta",
        "female",
    ),
    ("la alcaldesa Ada Colau", "es", "Ada Colau", ("Ada",), "Colau", "la alcaldesa", "female"),
    (
        "el ministro José Luis Ábalos Meco",
        "es",
        "José Luis Ábalos Meco",
        ("José", "Luis"),
        "Ábalos Meco",
        "el ministro",
        "male",
    ),
    ("Gabriel García Márquez", "es", "Gabriel García Márquez", ("Gabriel",), "García Márquez", None, None),
    ("Sra. Díaz", "es", "Díaz", (), "Díaz", None, "female"),
    ("Dra. Carmen Calvo", "es", "Carmen Calvo", ("Carmen",), "Calvo", None, "female"),
    ("el senador Juan Pérez", "es", "Juan Pérez", ("Juan",), "Pérez", "el senador", "male"),
    ("Pablo de la Torre", "es", "Pablo de la Torre", ("Pablo",), "de la Torre", None, None),
]

GENERIC = [
    "Question", "Questioner", "Audience", "Audience Member", "Audience Member 2", "Moderator", "Moderator 2",
    "Speaker 1", "Speaker A", "Unidentified", "Unidentified Male", "Unidentified Female", "Note", "Commercial",
    "Commercial Break", "Announcer", "Crowd", "Unknown Speaker", "Q", "Voice Over", "Intervenant", "Frage",
    "Pregunta", "Speaker #3",
]  # fmt: skip

NOT_GENERIC = ["Speaker Nancy Pelosi", "Senator Warren", "Anderson Cooper", "Note Taker Smith", "Q. Warren"]


def test_the_table_is_wide_enough() -> None:
    assert len(FORMS) + len(GENERIC) >= 100
    assert {form[1] for form in FORMS} == {None, "fr", "de", "es"}


@pytest.mark.parametrize(("written", "language", "name", "given", "surname", "role", "gender"), FORMS)
def test_reading(
    written: str,
    language: str | None,
    name: str,
    given: tuple[str, ...],
    surname: str,
    role: str | None,
    gender: str | None,
) -> None:
    reading = read_name(written, language=language)
    assert (reading.name, reading.given, reading.surname, reading.role, reading.gender) == (
        name,
        given,
        surname,
        role,
        gender,
    )
    assert not reading.generic
    assert reading.written == " ".join(written.split())


@pytest.mark.parametrize("label", GENERIC)
def test_generic_labels_name_nobody(label: str) -> None:
    assert is_generic_label(label)
    reading = read_name(label)
    assert reading.generic and reading.key == ""


@pytest.mark.parametrize("label", NOT_GENERIC)
def test_names_are_not_generic(label: str) -> None:
    assert not is_generic_label(label)


def test_titles_suffixes_and_tags_are_kept_apart() -> None:
    reading = read_name("Sen. Elizabeth Warren (D-MA)")
    assert reading.titles == ("Sen.",) and reading.party == "D-MA" and reading.key == "elizabeth warren"
    assert read_name("Mike Pence R-IN").party == "R-IN"
    king = read_name("Dr. Martin Luther King, Jr.")
    assert king.titles == ("Dr.",) and king.suffix == "Jr." and king.surname_key == "king"
    assert read_name("Mayor Elena Várga").key == read_name("Elena Varga").key == "elena varga"


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("Elena Varga", "Mayor Elena Várga", "same name"),
        ("E. Warren", "Elizabeth Warren", "initial"),
        ("A. Cooper", "Anderson Cooper", "initial"),
        ("J. K. Rowling", "Joanne Kathleen Rowling", "initial"),
        ("Senator Warren", "Elizabeth Warren", "surname"),
        ("Lavrov", "Sergey Lavrov", "surname"),
        ("Joe Biden", "Joseph Biden", "short form"),
        ("Susan Glasser", "Susan B. Glasser", "middle name"),
        ("Warren, Elizabeth", "Elizabeth Warren", "same name"),
        ("Charles de Gaulle", "le général de Gaulle", "surname"),
    ],
)
def test_names_that_may_be_one_person(a: str, b: str, reason: str) -> None:
    found = name_match(read_name(a), read_name(b))
    assert found is not None and reason in found.reason and 0 < found.score <= 1
    back = name_match(read_name(b), read_name(a))
    assert back is not None and back.score == found.score


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Elizabeth Warren", "Rick Warren"),
        ("E. Warren", "Rick Warren"),
        ("Mrs Warren", "Mr Warren"),
        ("Frau Merkel", "Herr Merkel"),
        ("Martin Luther King Jr.", "Martin Luther King Sr."),
        ("Sergey Lavrov", "Sergey Shoigu"),
        ("Question", "Question"),
        ("Speaker 1", "Speaker 1"),
    ],
)
def test_names_that_cannot_be_one_person(a: str, b: str) -> None:
    assert name_match(read_name(a), read_name(b)) is None


def test_a_closer_name_scores_higher() -> None:
    full = read_name("Elizabeth Warren")
    same = name_match(full, read_name("Senator Elizabeth Warren"))
    initial = name_match(full, read_name("E. Warren"))
    surname = name_match(full, read_name("Warren"))
    assert same and initial and surname
    assert same.score > initial.score > surname.score
