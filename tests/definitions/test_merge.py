"""The three-way merge of a zone variant with its template's new version (definitions.merge), worked
out by hand: base = the template version the variant adapted, theirs = the template's new
version, ours = the variant."""

import copy

from definitions.merge import THEIRS, merge


def f(key, label=None, **extra):
    return {"key": key, "kind": "text", "label": {"it": label or key, "en": ""}, **extra}


def step(key, *fields, title=None):
    return {"key": key, "title": {"it": title or key, "en": ""}, "fields": list(fields)}


def schema(*steps, slug="scheda"):
    return {"slug": slug, "title": {"it": "Scheda", "en": ""}, "steps": list(steps)}


BASE = schema(step("persona", f("nome"), f("cognome"), f("eta")), step("casa", f("affitto")))


def keys(result):
    return {s["key"]: [x["key"] for x in s["fields"]] for s in result["steps"]}


def edited(source, fn):
    copied = copy.deepcopy(source)
    fn(copied)
    return copied


def test_nothing_changed_gives_the_variant_back():
    ours = edited(BASE, lambda s: s.update(slug="scheda-zona-2"))
    result = merge(BASE, BASE, ours)
    assert result.conflicts == []
    assert result.resolve() == ours  # the variant's slug stays


def test_additions_on_both_sides_are_combined_each_after_its_neighbour():
    theirs = edited(BASE, lambda s: s["steps"][0]["fields"].insert(1, f("secondo_nome")))
    ours = edited(BASE, lambda s: s["steps"][1]["fields"].append(f("nota_zona")))
    result = merge(BASE, theirs, ours)
    assert result.conflicts == []
    assert keys(result.resolve()) == {
        "persona": ["nome", "secondo_nome", "cognome", "eta"],
        "casa": ["affitto", "nota_zona"],
    }


def test_removals_on_either_side_are_applied():
    theirs = edited(BASE, lambda s: s["steps"][0]["fields"].pop(2))  # eta
    ours = edited(BASE, lambda s: s["steps"][1]["fields"].pop(0))  # affitto
    result = merge(BASE, theirs, ours)
    assert result.conflicts == []
    assert keys(result.resolve()) == {"persona": ["nome", "cognome"], "casa": []}


def test_changes_to_different_fields_and_to_different_attributes_are_combined():
    def template(s):
        s["steps"][0]["fields"][1]["label"]["it"] = "Cognome (da documento)"
        s["steps"][1]["fields"][0]["required"] = True

    def variant(s):
        s["steps"][0]["fields"][0]["help"] = {"it": "Come da documento", "en": ""}

    result = merge(BASE, edited(BASE, template), edited(BASE, variant))
    assert result.conflicts == []
    merged = result.resolve()
    persona, casa = merged["steps"]
    assert persona["fields"][1]["label"]["it"] == "Cognome (da documento)"
    assert persona["fields"][0]["help"]["it"] == "Come da documento"
    assert casa["fields"][0]["required"] is True


def test_the_same_change_on_both_sides_is_no_conflict():
    def change(s):
        s["steps"][0]["fields"][1]["label"]["it"] = "Cognome (da documento)"
        s["steps"][0]["fields"].append(f("telefono"))

    result = merge(BASE, edited(BASE, change), edited(BASE, change))
    assert result.conflicts == []
    assert result.resolve() == edited(BASE, change)


def test_both_changed_the_same_field_differently_is_a_conflict_the_choice_settles():
    theirs = edited(BASE, lambda s: s["steps"][0]["fields"][1]["label"].update(it="Cognome!"))
    ours = edited(BASE, lambda s: s["steps"][0]["fields"][1]["label"].update(it="Cognome zona"))
    result = merge(BASE, theirs, ours)
    [conflict] = result.conflicts
    assert (conflict.what, conflict.key, conflict.id) == ("field", "cognome", "field:cognome")
    assert conflict.base["label"]["it"] == "cognome"
    assert conflict.theirs["label"]["it"] == "Cognome!"
    assert conflict.ours["label"]["it"] == "Cognome zona"
    # never silently overwritten: unsettled, the variant's side stays
    assert result.resolve()["steps"][0]["fields"][1]["label"]["it"] == "Cognome zona"
    taken = result.resolve({"field:cognome": THEIRS})
    assert taken["steps"][0]["fields"][1]["label"]["it"] == "Cognome!"
    assert keys(taken) == keys(BASE)


def test_both_changed_one_field_even_in_different_attributes_is_a_conflict():
    # the brief: a field both sides changed is decided by a person, whatever they changed
    def template(s):
        s["steps"][0]["fields"][0]["label"]["it"] = "Nome di battesimo"

    def variant(s):
        s["steps"][0]["fields"][0]["help"] = {"it": "Come da documento", "en": ""}

    result = merge(BASE, edited(BASE, template), edited(BASE, variant))
    assert [c.id for c in result.conflicts] == ["field:nome"]


def test_removed_on_one_side_and_changed_on_the_other_is_a_conflict():
    theirs = edited(BASE, lambda s: s["steps"][0]["fields"].pop(2))  # the template removes eta
    ours = edited(BASE, lambda s: s["steps"][0]["fields"][2].update(kind="integer"))
    result = merge(BASE, theirs, ours)
    [conflict] = result.conflicts
    assert conflict.key == "eta" and conflict.theirs is None and conflict.ours["kind"] == "integer"
    assert keys(result.resolve({"field:eta": THEIRS}))["persona"] == ["nome", "cognome"]
    assert keys(result.resolve({"field:eta": "ours"}))["persona"] == ["nome", "cognome", "eta"]


def test_added_on_both_sides_with_the_same_key_but_different_content_is_a_conflict():
    theirs = edited(BASE, lambda s: s["steps"][1]["fields"].append(f("note", "Note regione")))
    ours = edited(BASE, lambda s: s["steps"][1]["fields"].append(f("note", "Note zona")))
    result = merge(BASE, theirs, ours)
    assert [c.id for c in result.conflicts] == ["field:note"]
    assert result.conflicts[0].base is None


def test_a_move_on_one_side_and_a_change_on_the_other_are_combined():
    def template(s):  # eta moves to the housing step
        s["steps"][1]["fields"].insert(0, s["steps"][0]["fields"].pop(2))

    def variant(s):
        s["steps"][0]["fields"][2]["label"]["it"] = "Età in anni"

    result = merge(BASE, edited(BASE, template), edited(BASE, variant))
    assert result.conflicts == []
    merged = result.resolve()
    assert keys(merged) == {"persona": ["nome", "cognome"], "casa": ["eta", "affitto"]}
    assert merged["steps"][1]["fields"][0]["label"]["it"] == "Età in anni"


def test_moved_to_different_steps_on_both_sides_is_a_conflict():
    three = edited(BASE, lambda s: s["steps"].append(step("altro")))

    def template(s):
        s["steps"][1]["fields"].append(s["steps"][0]["fields"].pop(2))

    def variant(s):
        s["steps"][2]["fields"].append(s["steps"][0]["fields"].pop(2))

    result = merge(three, edited(three, template), edited(three, variant))
    assert [c.id for c in result.conflicts] == ["field:eta"]
    assert keys(result.resolve({"field:eta": THEIRS}))["casa"] == ["affitto", "eta"]


def test_a_reorder_by_the_template_only_is_taken_by_the_variant_own_is_kept():
    def reorder(s):
        s["steps"][0]["fields"].reverse()

    result = merge(BASE, edited(BASE, reorder), BASE)
    assert keys(result.resolve())["persona"] == ["eta", "cognome", "nome"]
    result = merge(BASE, BASE, edited(BASE, reorder))
    assert keys(result.resolve())["persona"] == ["eta", "cognome", "nome"]


def test_steps_merge_like_fields():
    def template(s):
        s["steps"][1]["title"]["it"] = "Abitazione"
        s["steps"].append(step("reddito", f("isee")))

    def variant(s):
        s["steps"][0]["title"]["it"] = "Dati della persona"

    result = merge(BASE, edited(BASE, template), edited(BASE, variant))
    assert result.conflicts == []
    merged = result.resolve()
    assert [s["title"]["it"] for s in merged["steps"]] == [
        "Dati della persona",
        "Abitazione",
        "reddito",
    ]
    assert keys(merged)["reddito"] == ["isee"]


def test_fields_inside_groups_merge_by_key():
    group = {**f("membri", kind="group"), "kind": "group", "fields": [f("nome_m"), f("eta_m")]}
    base = schema(step("persona", group))
    theirs = edited(base, lambda s: s["steps"][0]["fields"][0]["fields"].append(f("scuola")))
    ours = edited(base, lambda s: s["steps"][0]["fields"][0]["fields"][0].update(required=True))
    merged = merge(base, theirs, ours).resolve()
    members = merged["steps"][0]["fields"][0]
    assert [x["key"] for x in members["fields"]] == ["nome_m", "eta_m", "scuola"]
    assert members["fields"][0]["required"] is True


def test_procedure_steps_without_fields():
    def proc(*steps):
        return {"slug": "revisione", "title": {"it": "R", "en": ""}, "steps": list(steps)}

    def task(key, next_, **extra):
        return {"key": key, "kind": "task", "title": {"it": key, "en": ""}, "next": next_, **extra}

    end = {"key": "fine", "kind": "end"}
    base = proc(task("esame", "fine"), end)
    theirs = proc(task("esame", "conferma"), task("conferma", "fine"), end)
    ours = proc(task("esame", "fine", queue=True), end)
    result = merge(base, theirs, ours)
    assert [c.id for c in result.conflicts] == ["step:esame"]
    merged = result.resolve({"step:esame": THEIRS})
    assert [s["key"] for s in merged["steps"]] == ["esame", "conferma", "fine"]
    assert "fields" not in merged["steps"][0]
    assert merged["steps"][0]["next"] == "conferma"
