"""Which agreement an action, webhook, intent, flow or form makes, and which one a text reports.

Agreements are the flow format's kinds: ``order``, ``cancellation``, ``refund``, ``appointment``,
``contract_change`` and ``payment``. The words are data, in ``rules/evidence/names.yaml``
(section ``agreements``) for names and ``rules/lexicons/agreement-made.<lang>.yaml`` for texts.

A name is read in this order (the first rule that decides, decides):

1. a word that reads, asks, checks or explains (``check_balance``, ``list_payees``,
   ``ask_transfer_form_confirm``, ``utter_ask_payment_amount``) or records an outcome
   (``payment_processed``, ``payee_added``): no agreement;
2. a property of an agreement (``payment_date``, ``order_status``, ``refund_policy``) with no
   verb that makes it an act (``cancel_policy``, ``pay_fees`` are acts): no agreement;
3. a cancellation (``cancel_subscription``, ``opzeggen``; a bare ``cancel`` or ``cancel_form``
   ends the conversation, not a contract);
4. a refund (``request_refund``; a ``return`` only with the item sent back);
5. a change to a contract or the customer's details (``add_payee``, ``block_card``,
   ``upgrade_plan``, ``update_address``);
6. a payment (``action_pay_cc``, ``transfer_money_form``, ``withdraw``; a ``transfer`` of a
   person, a call or points is no payment);
7. an order (``place_order``; also a new product: ``open_account``, ``apply_for_loan``; and a
   booking of travel, which buys it: ``book_trip``, ``book_flight``);
8. an appointment (``book_appointment``, ``reserve_table``, ``TerminBuchen``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cxaudit.evidence.texts import clauses, first_in_statements, lexicon
from cxaudit.evidence.words import Phrase, evidence_data, has, phrases, words_of

#: The flow format's agreement kinds.
AGREEMENTS = ("order", "cancellation", "refund", "appointment", "contract_change", "payment")


@dataclass(frozen=True)
class _Vocabulary:
    read: frozenset[Phrase]
    state: frozenset[Phrase]
    about: frozenset[Phrase]
    meta: frozenset[Phrase]
    acts: frozenset[Phrase]
    not_money: frozenset[Phrase]
    cancel: frozenset[Phrase]
    cancel_with_object: frozenset[Phrase]
    refund: frozenset[Phrase]
    returns: frozenset[Phrase]
    items: frozenset[Phrase]
    payment: frozenset[Phrase]
    transfer: frozenset[Phrase]
    order: frozenset[Phrase]
    new_product: frozenset[Phrase]
    products: frozenset[Phrase]
    appointment: frozenset[Phrase]
    travel: frozenset[Phrase]
    change: frozenset[Phrase]
    change_objects: frozenset[Phrase]
    change_self: frozenset[Phrase]


@cache
def _vocabulary() -> _Vocabulary:
    data = evidence_data("names")["agreements"]
    kinds = data["kinds"]
    change = data["contract_change"]

    def of(node: object, where: str) -> frozenset[Phrase]:
        return phrases(node, f"names.yaml: agreements.{where}")

    return _Vocabulary(
        read=of(data["read"], "read"),
        state=of(data["state"], "state"),
        about=of(data["about"], "about"),
        meta=of(data["meta"], "meta"),
        acts=of(data["acts"], "acts") | of(change["verbs"], "contract_change.verbs"),
        not_money=of(data["not_money"], "not_money"),
        cancel=of(kinds["cancellation"]["words"], "cancellation.words"),
        cancel_with_object=of(kinds["cancellation"]["with_object"], "cancellation.with_object"),
        refund=of(kinds["refund"]["words"], "refund.words"),
        returns=of(kinds["refund"]["with_item"], "refund.with_item"),
        items=of(kinds["refund"]["items"], "refund.items"),
        payment=of(kinds["payment"]["words"], "payment.words"),
        transfer=of(kinds["payment"]["transfer"], "payment.transfer"),
        order=of(kinds["order"]["words"], "order.words"),
        new_product=of(kinds["order"]["new_product"], "order.new_product"),
        products=of(kinds["order"]["products"], "order.products"),
        appointment=of(kinds["appointment"]["words"], "appointment.words"),
        travel=of(kinds["appointment"]["travel"], "appointment.travel"),
        change=of(change["verbs"], "contract_change.verbs"),
        change_objects=of(change["objects"], "contract_change.objects"),
        change_self=of(change["self"], "contract_change.self"),
    )


def agreement_of_name(name: str) -> str | None:
    """The agreement an action, webhook, intent, flow or form name says it makes, or None.

    >>> agreement_of_name("action_pay_cc")
    'payment'
    >>> agreement_of_name("Make A Payment")
    'payment'
    >>> agreement_of_name("action_order_status") is None
    True
    >>> agreement_of_name("add_payee")
    'contract_change'
    >>> agreement_of_name("TerminBuchen")
    'appointment'
    """
    words = words_of(name)
    v = _vocabulary()
    if not words or has(words, v.read) or has(words, v.state):
        return None
    if has(words, v.about) and not has(words, v.acts):
        return None
    if has(words, v.cancel) or (has(words, v.cancel_with_object) and _has_object(words, v)):
        return "cancellation"
    if has(words, v.refund) or (has(words, v.returns) and has(words, v.items)):
        return "refund"
    if has(words, v.change_self) or (has(words, v.change) and has(words, v.change_objects)):
        return "contract_change"
    if has(words, v.payment) or (has(words, v.transfer) and not has(words, v.not_money)):
        return "payment"
    booking = has(words, v.appointment)
    if (
        has(words, v.order)
        or (has(words, v.new_product) and has(words, v.products))
        or (booking and has(words, v.travel))
    ):
        return "order"
    return "appointment" if booking else None


def _has_object(words: tuple[str, ...], v: _Vocabulary) -> bool:
    """Does a name with a cancel verb name what is cancelled (not the dialogue itself)?"""
    rest = [
        w
        for w in words
        if not has((w,), v.cancel_with_object) and not has((w,), v.meta) and len(w) > 1
    ]
    return bool(rest)


def agreement_of_text(text: str, language: str) -> str | None:
    """The agreement a bot text reports as made ("Your payment has been scheduled"), or None.

    Read per clause: a question, a negation, a failure, a condition or an offer in the clause
    (the ``not`` entries of ``agreement-made.<lang>.yaml``) reports nothing.

    >>> agreement_of_text("Your payment of $50 has been scheduled.", "en")
    'payment'
    >>> agreement_of_text("Je afspraak staat op dinsdag.", "nl")
    'appointment'
    >>> agreement_of_text("Your payment could not be processed.", "en") is None
    True
    """
    return first_in_statements(text, language, _agreement_in)


def _agreement_in(sentence: str, language: str) -> str | None:
    lex = lexicon("agreement-made", language)
    if lex is None:
        return None
    for part in clauses(sentence):
        kinds = [m.entry.attrs.get("kind") for m in lex.find(part)]
        if "not" in kinds:
            continue
        for kind in kinds:
            if kind in AGREEMENTS:
                return kind
    return None
