"""Celery beat's schedules in the admin: each schedule's page lists the jobs that run on
it, and every job's name is read from its own schedule, so the list fetches the schedules
with the jobs rather than one query per job (the reminders share one daily schedule)."""

from django.contrib import admin
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import ClockedSchedule, CrontabSchedule, IntervalSchedule, SolarSchedule


class JobsOnThisSchedule(beat_admin.PeriodicTaskInline):
    def get_queryset(self, request):
        return super().get_queryset(request).select_related("interval", "crontab", "solar", "clocked")


for model in (ClockedSchedule, CrontabSchedule, IntervalSchedule, SolarSchedule):
    registered = type(admin.site._registry[model])
    admin.site.unregister(model)
    admin.site.register(model, type(registered.__name__, (registered,), {"inlines": [JobsOnThisSchedule]}))
