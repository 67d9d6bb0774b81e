// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {OracleQuorum} from "./OracleQuorum.sol";

/// @title Provider stake, node registration and oracle-attested slashing.
/// @notice A provider stakes ether and registers its nodes; each node proves it holds its key by
/// signing its own registration (the key the node agent signs heartbeats and receipts with). M of N
/// oracles attest misbehaviour, which slashes the provider's stake. Stake leaves only after a
/// cooldown, during which it stays slashable: a provider cannot outrun an attestation by unstaking.
/// A provider's tier follows from its stake and the flags governance sets.
contract NodeRegistry is OracleQuorum, ReentrancyGuard {
    bytes32 private constant REGISTRATION_TYPEHASH =
        keccak256("NodeRegistration(address node,address provider,uint64 nonce)");
    bytes32 private constant SLASH_TYPEHASH =
        keccak256("Slash(address provider,address node,uint256 amount,bytes32 evidence,uint64 deadline)");

    /// Governance suspended the provider: tier 0, no new nodes.
    uint8 public constant FLAG_SUSPENDED = 1;
    /// Governance verified the provider's data center: one tier up (at most 3).
    uint8 public constant FLAG_VERIFIED_DATACENTER = 2;

    struct Provider {
        uint128 staked;
        uint128 unbonding;
        uint64 unbondingUntil;
        uint64 lastSlashedAt;
        uint32 nodes;
        uint8 flags;
    }

    /// How long requested stake stays slashable before it can be withdrawn.
    uint64 public immutable unstakeCooldown;
    /// How long a slashed provider stays at tier 1 at most.
    uint64 public immutable slashProbation;
    /// Stake for tiers 1, 2 and 3; tier 1 is the minimum to register nodes.
    uint128 public immutable tier1Stake;
    uint128 public immutable tier2Stake;
    uint128 public immutable tier3Stake;

    mapping(address => Provider) private _providers;
    /// The provider a node is registered to (zero: none).
    mapping(address => address) public providerOf;
    /// Counts a node's registrations: its next registration must sign this nonce, so an old
    /// registration signature never registers the node again.
    mapping(address => uint64) public registrationNonce;
    /// Evidence already slashed for: one attestation slashes once.
    mapping(bytes32 => bool) public evidenceUsed;
    /// Slashed ether not yet swept to the treasury.
    uint256 public slashedUnswept;

    event Staked(address indexed provider, uint256 amount, uint256 staked);
    event UnstakeRequested(address indexed provider, uint256 amount, uint64 availableAt);
    event Unstaked(address indexed provider, uint256 amount);
    event NodeRegistered(address indexed node, address indexed provider);
    event NodeDeregistered(address indexed node, address indexed provider);
    event Slashed(
        address indexed provider, address indexed node, bytes32 indexed evidence, uint256 requested, uint256 taken
    );
    event FlagsChanged(address indexed provider, uint8 flags);
    event SlashedSwept(address indexed treasury, uint256 amount);

    error ZeroAmount();
    error StakeTooLarge();
    error NotEnoughStake(uint256 staked, uint256 needed);
    error ProviderSuspended(address provider);
    error NodeAlreadyRegistered(address node, address provider);
    error NodeNotRegistered(address node);
    error InvalidNodeSignature(address node);
    error NotNodeOrProvider(address caller);
    error UnstakeTooLarge(uint256 amount, uint256 staked);
    error NothingUnbonding();
    error CooldownNotOver(uint64 availableAt);
    error AttestationExpired(uint64 deadline);
    error EvidenceAlreadyUsed(bytes32 evidence);
    error InvalidTierStakes();
    error TransferFailed();

    constructor(
        address governance,
        address[] memory oracles,
        uint256 threshold_,
        uint64 unstakeCooldown_,
        uint64 slashProbation_,
        uint128[3] memory tierStakes
    ) OracleQuorum("aifabric NodeRegistry", governance, oracles, threshold_) {
        if (tierStakes[0] == 0 || tierStakes[0] > tierStakes[1] || tierStakes[1] > tierStakes[2]) {
            revert InvalidTierStakes();
        }
        unstakeCooldown = unstakeCooldown_;
        slashProbation = slashProbation_;
        tier1Stake = tierStakes[0];
        tier2Stake = tierStakes[1];
        tier3Stake = tierStakes[2];
    }

    /// Adds the ether sent to the sender's stake.
    function stake() external payable {
        if (msg.value == 0) revert ZeroAmount();
        Provider storage p = _providers[msg.sender];
        uint256 staked = p.staked + msg.value;
        if (staked > type(uint128).max) revert StakeTooLarge();
        p.staked = uint128(staked);
        emit Staked(msg.sender, msg.value, staked);
    }

    /// Registers `node` to the sender. `nodeSignature` is the node key's signature over
    /// {registrationDigest}: the node agrees to serve this provider, on this chain and registry.
    function registerNode(address node, bytes calldata nodeSignature) external {
        Provider storage p = _providers[msg.sender];
        if (p.flags & FLAG_SUSPENDED != 0) revert ProviderSuspended(msg.sender);
        if (p.staked < tier1Stake) revert NotEnoughStake(p.staked, tier1Stake);
        address current = providerOf[node];
        if (current != address(0)) revert NodeAlreadyRegistered(node, current);
        (address signer, ECDSA.RecoverError failure,) =
            ECDSA.tryRecover(_registrationDigest(node, msg.sender), nodeSignature);
        if (failure != ECDSA.RecoverError.NoError || signer != node) revert InvalidNodeSignature(node);
        registrationNonce[node] += 1;
        providerOf[node] = msg.sender;
        p.nodes += 1;
        emit NodeRegistered(node, msg.sender);
    }

    /// The node or its provider ends the registration.
    function deregisterNode(address node) external {
        address provider = providerOf[node];
        if (provider == address(0)) revert NodeNotRegistered(node);
        if (msg.sender != node && msg.sender != provider) revert NotNodeOrProvider(msg.sender);
        delete providerOf[node];
        _providers[provider].nodes -= 1;
        emit NodeDeregistered(node, provider);
    }

    /// Moves stake into unbonding; it can be withdrawn {unstakeCooldown} after the latest request
    /// and stays slashable until then.
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Provider storage p = _providers[msg.sender];
        if (amount > p.staked) revert UnstakeTooLarge(amount, p.staked);
        p.staked -= uint128(amount);
        p.unbonding += uint128(amount);
        uint64 availableAt = uint64(block.timestamp) + unstakeCooldown;
        p.unbondingUntil = availableAt;
        emit UnstakeRequested(msg.sender, amount, availableAt);
    }

    /// Sends the sender's unbonded stake to it once the cooldown is over.
    function withdrawUnstaked() external nonReentrant {
        Provider storage p = _providers[msg.sender];
        uint256 amount = p.unbonding;
        if (amount == 0) revert NothingUnbonding();
        if (block.timestamp < p.unbondingUntil) revert CooldownNotOver(p.unbondingUntil);
        p.unbonding = 0;
        emit Unstaked(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// Slashes `provider` by up to `amount` for the misbehaviour of `node` that `evidence` names,
    /// as attested by M of N oracles. Staked ether goes first, then unbonding ether; a provider with
    /// less than `amount` loses all it has. The provider is named in the attestation, not looked up,
    /// so deregistering the node first does not escape it.
    function slash(
        address provider,
        address node,
        uint256 amount,
        bytes32 evidence,
        uint64 deadline,
        bytes calldata signatures
    ) external {
        if (block.timestamp > deadline) revert AttestationExpired(deadline);
        if (evidenceUsed[evidence]) revert EvidenceAlreadyUsed(evidence);
        _requireQuorum(slashDigest(provider, node, amount, evidence, deadline), signatures);
        evidenceUsed[evidence] = true;
        Provider storage p = _providers[provider];
        uint256 fromStake = amount < p.staked ? amount : p.staked;
        uint256 rest = amount - fromStake;
        uint256 fromUnbonding = rest < p.unbonding ? rest : p.unbonding;
        p.staked -= uint128(fromStake);
        p.unbonding -= uint128(fromUnbonding);
        p.lastSlashedAt = uint64(block.timestamp);
        uint256 taken = fromStake + fromUnbonding;
        slashedUnswept += taken;
        emit Slashed(provider, node, evidence, amount, taken);
    }

    /// Governance sets a provider's flags ({FLAG_SUSPENDED}, {FLAG_VERIFIED_DATACENTER}).
    function setFlags(address provider, uint8 flags) external onlyOwner {
        _providers[provider].flags = flags;
        emit FlagsChanged(provider, flags);
    }

    /// Governance sends slashed ether to the treasury.
    function sweepSlashed(address payable treasury) external onlyOwner nonReentrant {
        uint256 amount = slashedUnswept;
        slashedUnswept = 0;
        emit SlashedSwept(treasury, amount);
        (bool ok,) = treasury.call{value: amount}("");
        if (!ok) revert TransferFailed();
    }

    /// 0 (not eligible) to 3: the stake's tier, one up for a verified data center, at most 1 while
    /// on probation after a slash, 0 when suspended.
    function tierOf(address provider) public view returns (uint8) {
        Provider storage p = _providers[provider];
        if (p.flags & FLAG_SUSPENDED != 0) return 0;
        uint8 tier = p.staked >= tier3Stake ? 3 : p.staked >= tier2Stake ? 2 : p.staked >= tier1Stake ? 1 : 0;
        if (tier > 0 && tier < 3 && p.flags & FLAG_VERIFIED_DATACENTER != 0) tier += 1;
        if (tier > 1 && p.lastSlashedAt != 0 && block.timestamp < uint256(p.lastSlashedAt) + slashProbation) {
            tier = 1;
        }
        return tier;
    }

    function providerInfo(address provider) external view returns (Provider memory) {
        return _providers[provider];
    }

    /// What a node signs to be registered to `provider` now.
    function registrationDigest(address node, address provider) external view returns (bytes32) {
        return _registrationDigest(node, provider);
    }

    /// What the oracles sign to slash.
    function slashDigest(address provider, address node, uint256 amount, bytes32 evidence, uint64 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(SLASH_TYPEHASH, provider, node, amount, evidence, deadline)));
    }

    function _registrationDigest(address node, address provider) private view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(abi.encode(REGISTRATION_TYPEHASH, node, provider, registrationNonce[node]))
        );
    }
}
