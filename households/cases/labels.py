"""How a problem is named wherever it is listed (the plan, the aid form, the PDF)."""


def problem_label(problem) -> str:
    """«ตัวชี้วัด — ชื่อสมาชิก» for a per-member problem, else its title."""
    if problem.member_id:
        return f"{problem.title} — {problem.member.full_name}"
    return problem.title
