"""Form widgets the portal needs beyond Django's own."""

from django import forms


class LongSelect(forms.Select):
    """A select for lists that grow with the district: its schools and departments, two
    thousand at the largest.

    Its markup is Django's ``Select``'s, from a template of its own
    (``widgets/long_select.html``) that writes the options in one loop: Django's builds a
    dictionary of a dozen keys per option (``optgroups``) and renders each through an
    include of its own. Here each option is a (value, label, selected) triple, marked
    as Django marks them (every chosen value in a multiple select, the first match in a
    single one); as in Django's, an option carries no attribute but ``selected``."""

    template_name = "widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = forms.Widget.get_context(self, name, value, attrs)  # not Select's: no ``optgroups``
        if self.allow_multiple_selected:
            context["widget"]["attrs"]["multiple"] = True
        context["widget"]["groups"] = self.groups(context["widget"]["value"])
        return context

    def groups(self, chosen: list[str]) -> list[tuple[str, list[tuple[str, str, bool]]]]:
        """The choices as (group label, options) pairs, an ungrouped run of choices under
        an empty label; each option (value, label, selected)."""
        chosen, marked, groups = set(chosen), False, []
        for group_value, group_label in self.choices:
            if isinstance(group_label, (list, tuple)):
                name, choices = group_value, group_label
            else:
                name, choices = "", [(group_value, group_label)]
            options = []
            for value, label in choices:
                value = "" if value is None else str(value)
                selected = value in chosen and (self.allow_multiple_selected or not marked)
                marked = marked or selected
                options.append((value, label, selected))
            if name or not groups or groups[-1][0]:
                groups.append((name, options))
            else:
                groups[-1][1].extend(options)
        return groups
