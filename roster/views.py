"""The HR roster's pages: upload and check a file, see what it would change, apply it or
send it to the superintendent, who confirms or declines its changes of authority."""

from django.contrib import messages
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mps_social.access import permission_required
from mps_social.actions import act
from mps_social.permissions import has_perm

from . import services, sync
from .forms import RosterConfirmForm, RosterDeclineForm, RosterUploadForm
from .models import RosterImport


@permission_required("roster.import")
def upload(request):
    """Upload a roster: its problems, with line numbers, or a preview to apply."""
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    problems, more = [], 0
    if form.is_bound and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            created = services.preview_roster(actor=request.user, filename=file.name, data=file.read())
        except sync.RosterInvalid as invalid:
            problems, more = invalid.errors, invalid.total - len(invalid.errors)
            form.add_error("file", f"{invalid.total} problem(s): nothing was changed. Fix them and upload again.")
        except services.RosterError as error:
            form.add_refusal(error)
        else:
            return redirect("roster:preview", created.pk)
    imports = RosterImport.objects.select_related("uploaded_by")[:10]
    return render(request, "roster/upload.html", {"form": form, "problems": problems, "more": more,
                                                  "imports": imports})


@permission_required("roster.import")
def preview(request, pk, confirm_form=None, decline_form=None):
    """A roster's preview, and what can be done with it now: apply it; send it to the
    superintendent when it moves power; for her, confirm those changes or decline it."""
    upload = get_object_or_404(RosterImport.objects.select_related("uploaded_by", "confirmed_by"), pk=pk)
    plan = None
    if upload.status in (RosterImport.Status.PREVIEWED, RosterImport.Status.AWAITING):
        try:
            plan = sync.compare(sync.read(bytes(upload.data)))
        except sync.RosterInvalid as invalid:
            messages.error(request, f"The portal changed since the preview: {invalid.errors[0]}")
    return render(request, "roster/preview.html", {
        "upload": upload, "plan": plan, "sample": 50,
        "confirms": has_perm(request.user, "roster.confirm"),
        "confirm_form": confirm_form or RosterConfirmForm(), "decline_form": decline_form or RosterDeclineForm()})


@require_POST
@permission_required("roster.import")
def apply(request, pk):
    upload = get_object_or_404(RosterImport, pk=pk)
    return act(request, RosterConfirmForm(request.POST),
               lambda data: services.start_roster_import(actor=request.user, upload=upload,
                                                         confirmed=data["confirmed"]),
               success=lambda upload: (
                   "The roster changes who holds power: the superintendent has been asked to confirm it. Nothing "
                   "applies until she does." if upload.status == RosterImport.Status.AWAITING else None),
               then=lambda upload: reverse("roster:preview", args=[upload.pk]),
               page=lambda form: preview(request, pk, confirm_form=form))


@require_POST
@permission_required("roster.confirm")
def decline(request, pk):
    upload = get_object_or_404(RosterImport, pk=pk)
    return act(request, RosterDeclineForm(request.POST),
               lambda data: services.decline_roster(actor=request.user, upload=upload, reason=data["reason"]),
               success="The roster was declined; nothing of it applied.",
               then=reverse("roster:preview", args=[upload.pk]),
               page=lambda form: preview(request, pk, decline_form=form))


@permission_required("roster.import")
def progress(request, pk):
    upload = get_object_or_404(RosterImport, pk=pk)
    done, total = cache.get(services.ROSTER_PROGRESS.format(pk=upload.pk)) or (0, 0)
    running = upload.status == RosterImport.Status.APPLYING
    percent = 100 if not running else (round(100 * done / total) if total else 0)
    return JsonResponse({"status": "running" if running else upload.status, "progress": percent,
                         "message": f"Applying: {done} of {total} written." if running else upload.get_status_display()})
