"""Policy coverage: each clause of Policy 4038, the controls in the portal that make it
real, and the audit checks that measure it. The page shows the live figure of each check
beside its clause, so the office can answer "how do we meet §III.E?" with one link.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Clause:
    requirement: str
    section: str
    asks: str
    controls: list[tuple[str, str | None]]  # (what, URL name of the page that shows it, or None)
    checks: list[str] = field(default_factory=list)


CLAUSES = [
    Clause("R-DEF-A", "§II.A", "A catalogue of platforms, each of a kind.",
           [("The platform catalogue, kept by administrators", "admin:accounts_platform_changelist")]),
    Clause("R-DEF-B", "§II.B", "District-approved, password-protected platforms are marked as such.",
           [("The platform catalogue's “district-approved” flag; the application form steers to them", None)]),
    Clause("R-III-A", "§III.A", "Only approved accounts speak for the district; protected names belong to their "
           "owners; anyone can check an account.",
           [("Protected names, folded with their abbreviations, checked on every application", None),
            ("“Is this account official?”", "verify"), ("Report an impersonating account", "concerns:report")],
           ["protected_name"]),
    Clause("R-III-B", "§III.B", "The superintendent may establish accounts directly, recorded as such.",
           [("Establish an account directly", "accounts:establish")]),
    Clause("R-III-C", "§III.C", "A public account for a class needs the decider's explicit authorization.",
           [("The decision form's authorization, recorded with the approval", "approvals:decisions")]),
    Clause("R-III-D", "§III.D", "Classes and activities are steered to password-protected platforms.",
           [("The application form: a written reason for a public platform", "approvals:new")]),
    Clause("R-III-E", "§III.E", "One employee site manager per account; credentials escrowed, revealed only to "
           "the site manager, their supervisor and the office, each reveal logged.",
           [("Site managers and handovers in the registry", "accounts:mine"),
            ("The escrow: reveals with a reason, reauthentication and a second factor", "credentials:access"),
            ("Who revealed what", "credentials:reveals")],
           ["site_manager", "escrowed", "escrow_age", "rotation"]),
    Clause("R-III-F", "§III.F", "Approved accounts are listed publicly, with a feed for school websites.",
           [("The public directory", "directory"), ("The embed snippet for websites", "directory_embed")]),
    Clause("R-III-G", "§III.G", "Applicants and site managers attest compliance with policy 6415.",
           [("The attestations on every application", "approvals:new")]),
    Clause("R-III-H", "§III.H", "Accounts follow their platform's rules and age limits (COPPA).",
           [("Audiences younger than the platform admits are refused at application", "approvals:new")],
           ["audience_age"]),
    Clause("R-IV-A", "§IV.A", "Personal accounts are the employee's own: the portal records none.",
           [("Personal profiles (LinkedIn /in/) are not accepted as official accounts", None)]),
    Clause("R-IV-B", "§IV.B", "Concerns are reported, triaged and resolved.",
           [("The concern report form", "concerns:report"), ("The triage queue", "concerns:queue")]),
    Clause("R-IV-C", "§IV.C", "Staff acknowledge their responsibility for private data, again at each version.",
           [("Policy acknowledgments", None)]),
    Clause("R-V-A", "§V.A", "The superintendent's regulations are versioned documents.",
           [("Policy documents and their versions", None)]),
    Clause("R-V-B", "§V.B", "Applications: draft, endorsement, decision, withdrawal, a full timeline.",
           [("Applications", "approvals:mine"), ("Awaiting a decision", "approvals:decisions")]),
    Clause("R-V-C", "§V.C", "Required training that expires and is reminded.",
           [("Training and its reminders", None)], ["training"]),
    Clause("R-V-D", "§V.D", "A periodic audit flags every account out of line; site managers review yearly.",
           [("The nightly compliance audit and its findings", "compliance:dashboard"),
            ("The annual review", "accounts:mine")], ["review"]),
]
