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
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(str(group_name))}">')
            parts.extend(f'<option value="{escape(str(option["value"]))}"'
                         f'{flatatt(option["attrs"]) if option["attrs"] else ""}>'
                         f'{escape(str(option["label"]))}</option>' for option in options)
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))
