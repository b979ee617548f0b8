from samsyn.accounts.presenters import capabilities


def membership(request):
    active = getattr(request, "membership", None)
    return {
        "active_membership": active,
        "memberships": getattr(request, "memberships", []),
        "can": capabilities(active),
    }
