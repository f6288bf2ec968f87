"""Notebook 06's exercises: the mystery fix (06-1) and a tutorial loss's label convention (06-2)."""
import re

import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from siamlab.exercises import ExerciseError, check_mystery_fix, check_same_label  # noqa: E402


def _contrastive(d, same, margin):
    return torch.mean(same * d**2 + (1 - same) * torch.clamp(margin - d, min=0) ** 2)


def solution(e1, e2, same, margin=1.0):
    diff = e1 - e2
    return _contrastive(torch.sqrt((diff**2).sum(dim=1) + 1e-9), same, margin)


def with_pairwise_distance(e1, e2, same, margin=1.0):
    d = F.pairwise_distance(e1, e2)
    return (same * d.pow(2) + (1 - same) * F.relu(margin - d).pow(2)).mean()


def per_pair_loop(e1, e2, same, margin=1.0):
    total = 0
    for a, b, y in zip(e1, e2, same):
        d = torch.sqrt(((a - b) ** 2).sum() + 1e-9)
        total = total + (d**2 if y == 1 else torch.clamp(margin - d, min=0) ** 2)
    return total / len(e1)


@pytest.mark.parametrize("answer", [solution, with_pairwise_distance, per_pair_loop])
def test_the_mystery_fix_accepts_every_correct_form(answer, capsys):
    verdict = check_mystery_fix(answer)
    assert verdict.exercise == "06-1 the mystery fix" and "doctor finds no error" in capsys.readouterr().out


def _unchanged(e1, e2, same, margin=1.0):
    diff = e1 - e1
    return _contrastive(torch.sqrt((diff**2).sum(dim=1) + 1e-9), same, margin)


WRONG_FIXES = [
    (_unchanged, "no gradient to either embedding"),
    (lambda e1, e2, same, margin=1.0: _contrastive(torch.sqrt(((e2 - e2) ** 2).sum(1) + 1e-9), same, margin),
     "no gradient to either embedding"),
    (lambda e1, e2, same, margin=1.0: _contrastive(torch.sqrt(((e1 - e2) ** 2).sum(1) + 1e-9), 1 - same,
                                                   margin), "labels the other way round"),
    (lambda e1, e2, same, margin=1.0: _contrastive(torch.sqrt(((e1 - e2) ** 2).sum(1)), same, margin),
     "gradient is NaN"),
    (lambda e1, e2, same: solution(e1, e2, same), "no margin argument"),
    (lambda e1, e2, same, margin=1.0: solution(e1, e2, same, 1.0), "not at margin 2"),
    (lambda e1, e2, same, margin=1.0: float(solution(e1, e2, same, margin).detach()), "not a torch tensor"),
    (lambda e1, e2, same, margin=1.0: solution(e1, e2.detach(), same, margin), "only one of the two"),
    (lambda e1, e2, same, margin=1.0: solution(e1, e2, same, margin) * 2, "not the mystery's contrastive"),
]


@pytest.mark.parametrize("answer, words", WRONG_FIXES)
def test_the_mystery_fix_names_each_wrong_answer(answer, words):
    with pytest.raises(ExerciseError, match=words) as error:
        check_mystery_fix(answer)
    assert not re.search(r"e1 - e2|\bdiff\b", str(error.value))   # never the solution


def test_the_mystery_fix_rejects_what_is_not_a_function():
    with pytest.raises(TypeError, match=r"fn must be a function \(e1, e2, same, margin=1.0\) -> loss, got 3"):
        check_mystery_fix(3)


def test_the_stub_passes_through():
    def stub(e1, e2, same, margin=1.0):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError):
        check_mystery_fix(stub)


def tutorial_loss(output1, output2, label, margin=2.0):
    d = F.pairwise_distance(output1, output2, keepdim=True)
    return torch.mean((1 - label) * d**2 + label * torch.clamp(margin - d, min=0.0) ** 2)


def course_loss(output1, output2, label, margin=1.0):   # label 1 = same (this course's convention)
    d = F.pairwise_distance(output1, output2, keepdim=True)
    return torch.mean(label * d**2 + (1 - label) * torch.clamp(margin - d, min=0.0) ** 2)


@pytest.mark.parametrize("answer", [0, 0.0, False, torch.tensor(0)])
def test_the_label_convention_accepts_each_way_of_writing_zero(answer):
    assert check_same_label(tutorial_loss, answer).exercise == "06-2 the label convention"


def test_the_label_convention_follows_the_loss_not_a_fixed_answer():
    assert check_same_label(course_loss, 1).exercise == "06-2 the label convention"
    with pytest.raises(ExerciseError, match="what a loss does to DIFFERENT pairs"):
        check_same_label(course_loss, 0)


def where_loss(e1, e2, label, margin=1.0):   # notebook 06's exercise: label 0 selects the hinge
    d = F.pairwise_distance(e1, e2, keepdim=True)
    return torch.mean(torch.where(label == 0, torch.clamp(margin - d, min=0.0) ** 2, d**2))


def test_the_label_convention_names_the_wrong_label():
    with pytest.raises(ExerciseError, match="with label 1 this criterion costs less .* DIFFERENT pairs"):
        check_same_label(tutorial_loss, 1)
    assert check_same_label(where_loss, 1).exercise == "06-2 the label convention"
    with pytest.raises(ExerciseError, match="DIFFERENT pairs"):
        check_same_label(where_loss, 0)


def test_the_label_convention_holds_for_a_tiny_margin():
    def tiny_margin(e1, e2, label):
        d = F.pairwise_distance(e1, e2, keepdim=True)
        return torch.mean((1 - label) * d**2 + label * torch.clamp(0.001 - d, min=0.0) ** 2)

    assert check_same_label(tiny_margin, 0).exercise == "06-2 the label convention"


@pytest.mark.parametrize("answer", [0, 1])
def test_a_criterion_that_ignores_the_label_has_no_same_label(answer):
    def blind(e1, e2, label):
        d = F.pairwise_distance(e1, e2, keepdim=True)
        return torch.mean(d**2 + torch.clamp(2 - d, min=0.0) ** 2)

    with pytest.raises(ExerciseError, match="does not read the label"):
        check_same_label(blind, answer)


def test_an_unanswered_label_says_so():
    with pytest.raises(ExerciseError, match="no answer yet"):
        check_same_label(tutorial_loss, None)


@pytest.mark.parametrize("answer, error, words", [(2, ValueError, "expected the label value 0 or 1, got 2"),
                                                   ("same", TypeError, "got 'same'"),
                                                   ([0], TypeError, r"got \[0\]")])
def test_the_label_convention_rejects_bad_answers(answer, error, words):
    with pytest.raises(error, match=words):
        check_same_label(tutorial_loss, answer)


def test_the_label_convention_rejects_a_criterion_that_is_not_a_function():
    with pytest.raises(TypeError, match="criterion must be a function"):
        check_same_label("loss", 0)
