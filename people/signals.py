"""What the people app tells the apps above it, without knowing them: people is the ground
floor and imports none of them (README, "Layers"), so an app that must act on a change to
people connects to one of these in its ``AppConfig.ready``.
"""

from django.dispatch import Signal

# A person's supervisor was changed by hand (the admin), sent inside that change's
# transaction with ``person`` and ``actor``. The old supervisor could reveal the escrowed
# credentials of the accounts the person manages (R-III-E): credentials makes them due for
# rotation. The HR roster, a floor above, calls the escrow itself (``roster.effects``).
supervisor_changed = Signal()
