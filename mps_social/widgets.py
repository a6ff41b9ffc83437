"""Form widgets the portal needs beyond Django's own."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    """A select for lists that grow with the district: its schools and departments, two
    thousand at the largest. Django renders each option through two template includes,
    which cost 100-180 ms for 2,000 options on every page showing the list
    (bench.district); this writes the same markup in one pass, escaping every value and
    label as Django does (``html.escape``, quotes included). Same context, same
    attributes, same behaviour: only the rendering differs."""

    def render(self, name, value, attrs=None, renderer=None):
        # Django's Select builds a dict per option (``optgroups``) before its templates run;
        # at 2,000 options that alone cost more than the page's queries. The widget's own
        # context (name, attributes, the chosen values as strings) is Widget's.
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        chosen = set(widget["value"])
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, group in self._groups():
            if group_name:
                parts.append(f'<optgroup label="{escape(str(group_name))}">')
            for option_value, label in group:
                option_value = "" if option_value is None else str(option_value)
                selected = option_value in chosen
                if selected and not self.allow_multiple_selected:
                    chosen.clear()  # as Django: a single select marks its first match only
                parts.append(f'<option value="{escape(option_value)}"{" selected" if selected else ""}>'
                             f'{escape(str(label))}</option>')
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))

    def _groups(self):
        """The choices as (group label or None, [(value, label), ...]), as Django groups them."""
        for option_value, label in self.choices:
            if isinstance(label, (list, tuple)):
                yield option_value, label
            else:
                yield None, [(option_value, label)]
