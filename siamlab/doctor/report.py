"""Findings and the report that holds them: ordered by likely root cause, rendered as text, HTML or JSON."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "note")
NOT_CHECKED = ("not checked: training longer than 60 steps on 16 pairs, generalisation to new images, "
               "data augmentation, batches beyond the first 8, learning-rate schedules, and anything your "
               "training loop does that these probes do not (they call your model, loss and optimizer "
               "class directly).")

# Root causes first (data, then the loss, then the optimiser), symptoms last: a symptom such as a
# constant output is usually explained by a cause listed above it.
CAUSE_ORDER = (
    "IDENTICAL_INPUTS",
    "BLANK_INPUTS",
    "BRANCH_SCALE_MISMATCH",
    "NO_PARAMETER_REACHES_LOSS",
    "LOSS_SHAPE_BROADCAST",
    "LOSS_IGNORES_LABELS",
    "LABEL_CONVENTION_MISMATCH",
    "LOSS_PREFERS_CONSTANT",
    "OUTPUT_ACTIVATION_MISMATCH",
    "NONFINITE_VALUES",
    "NAN_RISK_SQRT_AT_ZERO",
    "INVERTED_METRIC",
    "UNNORMALIZED_INPUT",
    "FROZEN_PARAMETERS",
    "LEARNING_RATE_TOO_SMALL",
    "LEARNING_RATE_TOO_LARGE",
    "REGULARIZATION_IGNORED",
    "LABELS_UNINFORMATIVE",
    "UNSHUFFLED_PAIRS",
    "PAIR_IMBALANCE",
    "PROBE_FAILED",
    "DEAD_GRADIENTS",
    "CONSTANT_OUTPUT",
    "EMBEDDING_COLLAPSE",
    "CANNOT_OVERFIT_ONE_BATCH",
    "LOSS_AT_INIT_UNEXPECTED",
    "LOSS_AT_CONSTANT_BASELINE",
    "HEAD_STARTS_INVERTED",
)


@dataclass(frozen=True)
class Finding:
    """One diagnosis: a stable ``code``, how bad it is, the numbers behind it, why it matters and the fix."""

    code: str
    severity: str
    evidence: dict
    explanation: str
    fix: str

    def __post_init__(self) -> None:
        if self.code not in CAUSE_ORDER:
            raise ValueError(f"code must be one of {CAUSE_ORDER}, got {self.code!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")


def _rank(finding: Finding) -> tuple[bool, int, bool, int]:
    """Errors and warnings by cause order, notes after them; a finding that another one explains
    (``evidence["explained_by"]``, set by ``checks.explain_causes``) directly after that one."""
    cause = finding.evidence.get("explained_by", finding.code)
    return (finding.severity == "note", CAUSE_ORDER.index(cause), cause != finding.code,
            CAUSE_ORDER.index(finding.code))


@dataclass
class Report:
    """What ``diagnose`` found, most likely root cause first, plus what it measured on the way."""

    framework: str
    model_kind: str
    findings: list[Finding] = field(default_factory=list)
    measurements: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=_rank)

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def by_severity(self, severity: str) -> list[Finding]:
        return [f for f in self.findings if f.severity == severity]

    @property
    def ok(self) -> bool:
        """True when there are no errors and no warnings (notes are fine)."""
        return not any(f.severity in ("error", "warning") for f in self.findings)

    def to_dict(self) -> dict:
        return {
            "framework": self.framework,
            "model_kind": self.model_kind,
            "findings": [asdict(f) for f in self.findings],
            "measurements": self.measurements,
            "seconds": self.seconds,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=float, indent=1)

    def to_text(self) -> str:
        head = f"siamlab.doctor: {self.framework} {self.model_kind} model, "
        convention = self.measurements.get("label_convention")
        if not self.findings:
            ran = ", ".join(self.measurements.get("probes_run", [])) or "none"
            return "\n".join([head + "no findings: nothing in these probes explains a failure to train.",
                              *([f"labels: {convention}"] if convention else []),
                              f"probes run: {ran}.", NOT_CHECKED])
        counts = ", ".join(f"{len(self.by_severity(s))} {s}(s)" for s in SEVERITIES if self.by_severity(s))
        lines = [head + counts, *([f"labels: {convention}"] if convention else [])]
        for name, error in self.measurements.get("probe_errors", {}).items():
            lines.append(f"(probe '{name}' failed: {error})")
        for i, f in enumerate(self.findings, 1):
            evidence = ", ".join(f"{k}={_fmt(v)}" for k, v in f.evidence.items())
            lines += [
                f"{i}. [{f.severity.upper()}] {f.code}",
                f"   evidence: {evidence}",
                f"   why: {f.explanation}",
                f"   fix: {f.fix}",
            ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        colours = {"error": "#c62828", "warning": "#ef6c00", "note": "#1565c0"}
        rows = "".join(
            f"<tr><td style='color:{colours[f.severity]}'><b>{f.severity}</b></td>"
            f"<td><code>{f.code}</code></td>"
            f"<td>{html.escape(', '.join(f'{k}={_fmt(v)}' for k, v in f.evidence.items()))}</td>"
            f"<td>{html.escape(f.explanation)}<br><b>Fix:</b> {html.escape(f.fix)}</td></tr>"
            for f in self.findings
        )
        title = f"siamlab.doctor: {html.escape(self.framework)} {html.escape(self.model_kind)} model"
        if not rows:
            return f"<p><b>{title}</b>: no findings.</p>"
        return (
            f"<p><b>{title}</b></p><table><tr><th>severity</th><th>code</th><th>evidence</th>"
            f"<th>explanation and fix</th></tr>{rows}</table>"
        )


def _fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
