"""Permission matrix rows for the board (tests/test_permissions.py imports ``rules()`` through RULE_MODULES).

Every member of the area reads the board's record, monitors (DfE, NHS England) included; only administrators
write. The world's meetings are in the past with draft minutes, so every write page (and approval, at a later
meeting) is open to administrators; a SIBLING meeting is a second meeting of the same area's board.
"""

from __future__ import annotations

from datetime import date


def rules() -> dict:
    from tests import test_permissions as tp
    from tests.governance.factories import (
        ActionArisingFactory,
        AgendaItemFactory,
        BoardFactory,
        MeetingFactory,
        PaperFactory,
    )

    def board(w, area):
        return w._once("board", area, tp.MAIN, lambda: BoardFactory(area=area))

    def meeting(w, area, tag):
        held_on = date(2025, 3, 4) if tag == tp.MAIN else date(2025, 1, 14)

        def build():
            return MeetingFactory(
                board=board(w, area), held_on=held_on, minutes="Present: the chair.", minutes_status="draft"
            )

        return w._once("meeting", area, tag, build)

    def later_meeting(w, area, tag):
        """A meeting after the MAIN one, at which its minutes can be approved."""
        return w._once(
            "later_meeting", area, tag, lambda: MeetingFactory(board=board(w, area), held_on=date(2025, 5, 6))
        )

    def agenda_item(w, area, tag):
        return w._once("agenda_item", area, tag, lambda: AgendaItemFactory(meeting=meeting(w, area, tag), position=1))

    def arising(w, area, tag):
        return w._once(
            "action_arising",
            area,
            tag,
            lambda: ActionArisingFactory(meeting=meeting(w, area, tag), owner=w.owner(area)),
        )

    def paper(w, area, tag):
        return w._once("paper", area, tag, lambda: PaperFactory(meeting=meeting(w, area, tag)))

    def meeting_pk(w, area, tag) -> dict:
        return {"pk": meeting(w, area, tag).pk}

    def approvable_meeting_pk(w, area, tag) -> dict:
        later_meeting(w, area, tag)
        return meeting_pk(w, area, tag)

    def agenda_item_pks(w, area, tag) -> dict:
        return {"pk": meeting(w, area, tag).pk, "item_pk": agenda_item(w, area, tag).pk}

    def paper_pks(w, area, tag) -> dict:
        return {"pk": meeting(w, area, tag).pk, "paper_pk": paper(w, area, tag).pk}

    def arising_pks(w, area, tag) -> dict:
        return {"pk": meeting(w, area, tag).pk, "arising_pk": arising(w, area, tag).pk}

    members, managers = tp.MEMBERS, tp.MANAGERS
    return {
        # Reading: every member of the area, monitors included (area.view).
        "governance:meeting-list": tp.area_page(members),
        "governance:meeting-detail": tp.area_page(members, meeting_pk),
        "governance:paper-download": tp.area_page(members, paper_pks),
        # Writing: administrators (area.manage).
        "governance:board-edit": tp.form_page(managers),
        "governance:meeting-create": tp.form_page(managers),
        "governance:meeting-edit": tp.form_page(managers, meeting_pk),
        "governance:agenda-item-create": tp.form_page(managers, meeting_pk),
        "governance:agenda-item-edit": tp.form_page(managers, agenda_item_pks),
        "governance:paper-create": tp.form_page(managers, meeting_pk),
        "governance:decision-create": tp.form_page(managers, meeting_pk),
        "governance:action-arising-create": tp.form_page(managers, meeting_pk),
        "governance:action-arising-edit": tp.form_page(managers, arising_pks),
        "governance:action-arising-promote": tp.form_page(managers, arising_pks),
        "governance:minutes-edit": tp.form_page(managers, meeting_pk),
        "governance:minutes-approve": tp.form_page(managers, approvable_meeting_pk),
    }
