"""Forms of the training pages. They check input; ``training.services`` decides."""

from django import forms

from mps_social.forms import PortalForm


class QuizForm(PortalForm):
    """One radio group per question, in the course's order."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for number, question in enumerate(self.questions, start=1):
            self.fields[self.name_for(question.pk)] = forms.TypedChoiceField(
                label=f"{number}. {question.text}", coerce=int, widget=forms.RadioSelect,
                choices=[(choice.pk, choice.text) for choice in question.choices.all()],
                error_messages={"required": "Choose an answer."},
            )

    @staticmethod
    def name_for(question_id: int) -> str:
        return f"question_{question_id}"

    def answers(self) -> dict[int, int]:
        return {question.pk: self.cleaned_data[self.name_for(question.pk)] for question in self.questions}

    def mark_wrong(self, wrong) -> None:
        for question_id in wrong:
            self.add_error(self.name_for(question_id), "Not quite: this answer is not the right one.")


class AttestForm(PortalForm):
    confirm = forms.BooleanField(
        label="I have completed this course: I read the material and will follow it.",
        error_messages={"required": "Tick the box to confirm you completed the course."},
    )


class AcknowledgeForm(PortalForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label="I have read this version and acknowledge that I am responsible for what I disclose on the "
              "district's social media, as Policy 4038 §IV.C says.",
        error_messages={"required": "Tick the box to acknowledge it."},
    )
