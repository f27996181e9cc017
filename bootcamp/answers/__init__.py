"""Answer types: one parsing rule per kind of answer, shared by every task family.

An answer kind (:class:`Answer`) says how a prompt asks for the answer, how the
final-answer text parses (one rule, built on :mod:`bootcamp.verifiers`), how a
parsed answer is compared with the expected value, how the reference answer is
written, and which near misses must fail. A task whose answer is one value of
one kind subclasses the matching ``*Task`` class and implements
``question(identity)`` and ``value(identity)``; ``prompt``, ``check``, ``solve`` and
``perturb`` come with it. A task with its own checking can still call a kind
directly (``INTEGER.check(text, 42)``), so the same text gets the same verdict
whichever family asks.

Every kind first drops surrounding white space, ``$...$`` and one
``\\text{...}``/``\\mathrm{...}`` wrapper (:func:`unwrap`). The rules:

- **Integer** (:class:`Integer`): digits with an optional sign, thousands grouped
  in threes by commas or spaces; nothing else. ``8 atoms``, ``x = 8``, ``8.0``,
  ``16/2``, ``3+`` and ``-0`` do not parse: a unit word or any other text after an
  integer makes the answer invalid, in every family (a policy under RL would
  otherwise learn to pad answers with words).
- **Number** (:class:`Number`): one finite number (decimal, ``1.5e3``,
  ``1.5 \\times 10^{3}``, ``3/4``, ``\\frac{3}{4}``, thousands commas), optionally after
  ``\\approx`` or ``~``, within the relative or absolute tolerance the prompt
  states; a trailing ``%`` only where the answer is a percentage. No unit words
  (the prompt names the unit), no ``x =``, no powers such as ``2^5``, no signed
  zero, NaN or infinity.
- **Quantity** (:class:`Quantity`): a number with an optional unit, converted to
  the asked unit (:func:`bootcamp.verifiers.units.check_quantity`).
- **Yes/no** (:class:`YesNo`): ``yes`` or ``no``, any case, optional final ``.``/``!``;
  ``y``, ``true`` and hedges such as ``yes or no`` do not parse.
- **Choice** (:class:`Choice`): one option's letter (``B``, ``(b)``, ``Option B``) or its
  full text; several letters are hedging (reason ``format``); option numbers do not count.
- **Text** (:class:`Text`): a word or code, compared after dropping quotes and all
  white space and upper-casing; optionally restricted to an alphabet.
- **Formula** (:class:`Formula`): a chemical formula with an optional charge
  (``SO4^{2-}``, ``C7H16NO2+``), compared atom for atom; the reduced comparison
  (Fe4O6 = Fe2O3) only where a task asks for it (``FormulaTask.reduced``).
- **SMILES** (:class:`Smiles`): a molecule, compared by canonical SMILES, with or
  without stereochemistry.
- **Sequence** / **Set** (:class:`Sequence`, :class:`Set`): items of one kind
  separated by commas, semicolons, arrows or ``and`` (white space when there is
  none of those), inside optional brackets (:func:`split_items`); a sequence is
  compared in order, a set as a multiset. ``none`` or ``[]`` is the empty list.
- **Expression** (:class:`Expression`): math equivalence
  (:func:`bootcamp.verifiers.math_equiv.check_math`).

Importing this package loads no sympy, RDKit or pymatgen: the kinds that need
them import them on first use.
"""

from bootcamp.answers._base import Answer, AnswerTask, unwrap
from bootcamp.answers.chemistry import Formula, FormulaTask, Smiles, SmilesTask, formula_text
from bootcamp.answers.expression import EXACT, Expression, ExpressionTask
from bootcamp.answers.lists import Sequence, SequenceTask, Set, SetTask, split_items
from bootcamp.answers.numbers import (
    INTEGER,
    Integer,
    IntegerTask,
    Number,
    NumberTask,
    Quantity,
    number_text,
    parse_value,
)
from bootcamp.answers.words import YES_NO, Choice, ChoiceTask, Text, TextTask, YesNo, YesNoTask

__all__ = [
    "EXACT",
    "INTEGER",
    "YES_NO",
    "Answer",
    "AnswerTask",
    "Choice",
    "ChoiceTask",
    "Expression",
    "ExpressionTask",
    "Formula",
    "FormulaTask",
    "Integer",
    "IntegerTask",
    "Number",
    "NumberTask",
    "Quantity",
    "Sequence",
    "SequenceTask",
    "Set",
    "SetTask",
    "Smiles",
    "SmilesTask",
    "Text",
    "TextTask",
    "YesNo",
    "YesNoTask",
    "formula_text",
    "number_text",
    "parse_value",
    "split_items",
    "unwrap",
]
